/* libFuzzer target for the hosts config parser and URI checks
 * (core/hosts_conf.c): any bytes give hosts that are all valid (a checked
 * URI, a unique name) and problems that each name their source; never a
 * crash, a leak or undefined behaviour.
 *
 * Not built by `make`. Build and run it with clang's libFuzzer:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Icore \
 *       $(pkg-config --cflags libvirt) tests/fuzz/fuzz_hosts_conf.c core/hosts_conf.c \
 *       core/text_lines.c -o /tmp/fuzz_hosts_conf
 *   mkdir -p /tmp/fuzz-hosts && printf 'labhost1 qemu+ssh://root@h:22/system?keyfile=/k\n' \
 *       > /tmp/fuzz-hosts/seed
 *   /tmp/fuzz_hosts_conf -max_total_time=60 /tmp/fuzz-hosts */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hosts_conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';

    HostsConf conf = { 0 };
    if (hosts_conf_parse(&conf, text, "fuzz.conf") == 0) {
        /* The whole input as one -c URI, and its first line as one too. */
        hosts_conf_add_uri(&conf, text, NULL);
        char *newline = strchr(text, '\n');
        if (newline)
            *newline = '\0';
        hosts_conf_add_uri(&conf, text, NULL);
        for (size_t i = 0; i < conf.host_count; i++) {
            /* Stored URIs are normalized and still pass the check. */
            if (hosts_conf_check_uri(conf.hosts[i].uri) != NULL)
                abort();
            for (size_t j = 0; j < i; j++)
                if (strcmp(conf.hosts[i].name, conf.hosts[j].name) == 0)
                    abort();
        }
        for (size_t i = 0; i < conf.problem_count; i++)
            if (strncmp(conf.problems[i], "fuzz.conf:", 10) != 0 &&
                strncmp(conf.problems[i], "command line: ", 14) != 0)
                abort();
    }
    char *normalized = hosts_conf_normalize_uri(text);
    free(normalized);
    hosts_conf_clear(&conf);
    free(text);
    return 0;
}
