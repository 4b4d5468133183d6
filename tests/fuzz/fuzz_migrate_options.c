/* libFuzzer target for migrate_options_validate() and
 * migrate_options_virsh_command(): the bytes choose every flag and number and
 * supply the strings (URIs, addresses, names, disk lists), so the URI and
 * address checks and the shell quoting see arbitrary text. Neither function
 * may crash, leak or hit undefined behaviour; the line must never contain an
 * unquoted newline.
 *
 * Not built by `make`. Build and run it with clang's libFuzzer:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Icore \
 *       $(pkg-config --cflags libxml-2.0) tests/fuzz/fuzz_migrate_options.c \
 *       core/migrate_options.c core/migrate_options_validate.c core/virsh_command.c \
 *       core/domain_xml.c core/host_xml.c core/xml_util.c \
 *       $(pkg-config --libs libxml-2.0) -lpthread -o /tmp/fuzz_migrate_options
 *   mkdir -p /tmp/fuzz-options && /tmp/fuzz_migrate_options -max_total_time=60 /tmp/fuzz-options */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "migrate_options.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
    const uint8_t *data;
    size_t size;
} Input;

static uint64_t take_bits(Input *in, size_t bytes)
{
    uint64_t value = 0;
    for (size_t i = 0; i < bytes && in->size > 0; i++, in->data++, in->size--)
        value = (value << 8) | *in->data;
    return value;
}

/* A string up to the next 0xff byte (or the end). Never a file path: the XML
 * files are left unset so the fuzzer does not read the disk. */
static char *take_string(Input *in)
{
    size_t length = 0;
    while (length < in->size && in->data[length] != 0xff)
        length++;
    char *text = malloc(length + 1);
    if (!text)
        abort();
    memcpy(text, in->data, length);
    text[length] = '\0';
    size_t used = length < in->size ? length + 1 : length;
    in->data += used;
    in->size -= used;
    return text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Input in = {data, size};
    MigrateOptions o;
    migrate_options_init(&o);
    uint64_t flags = take_bits(&in, 4);
    bool *bools[] = {
        &o.live, &o.offline, &o.p2p, &o.direct, &o.tunnelled, &o.persistent,
        &o.undefine_source, &o.suspend, &o.change_protection, &o.unsafe, &o.abort_on_error,
        &o.copy_storage_all, &o.copy_storage_inc, &o.postcopy, &o.auto_converge,
        &o.compressed, &o.parallel, &o.zerocopy, &o.tls,
    };
    for (size_t i = 0; i < sizeof(bools) / sizeof(bools[0]); i++)
        *bools[i] = (flags >> i) & 1;
    int *ints[] = {
        &o.disks_port, &o.auto_converge_initial, &o.auto_converge_increment, &o.comp_mt_level,
        &o.comp_mt_threads, &o.comp_mt_dthreads, &o.comp_zlib_level, &o.comp_zstd_level,
        &o.parallel_connections,
    };
    for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++)
        *ints[i] = (int)(int16_t)take_bits(&in, 2);
    o.postcopy_bandwidth_mibs = take_bits(&in, 8);
    o.bandwidth_mibs = take_bits(&in, 8);
    o.max_downtime_ms = take_bits(&in, 4);
    o.timeout_s = (unsigned)take_bits(&in, 4);
    o.timeout_action = (TimeoutAction)(take_bits(&in, 1) % 4);
    o.compression_methods = (unsigned)take_bits(&in, 1);
    o.comp_xbzrle_cache = (long long)(int32_t)take_bits(&in, 4);

    char *domain = take_string(&in);
    o.migrate_uri = take_string(&in);
    o.listen_address = take_string(&in);
    o.graphics_uri = take_string(&in);
    o.disks_uri = take_string(&in);
    o.tls_destination = take_string(&in);
    o.dname = take_string(&in);
    size_t disks = take_bits(&in, 1) % 4;
    o.migrate_disks = calloc(disks ? disks : 1, sizeof(char *));
    for (size_t i = 0; i < disks; i++)
        o.migrate_disks[i] = take_string(&in);
    o.migrate_disks_count = disks;

    MigrateContext context = {
        .domain_name = domain,
        .source_libvirt_version = (unsigned long)take_bits(&in, 4),
        .domain_active = flags & (1u << 30),
        .domain_state_known = flags & (1u << 31),
    };
    OptionProblem problems[4];
    (void)migrate_options_validate(&o, &context, problems, 4);
    (void)migrate_options_min_libvirt(&o, NULL);

    char *line = migrate_options_virsh_command(&o, domain, "qemu:///system", "qemu+tcp://h/system");
    if (line) {
        /* A newline may only appear inside single quotes. */
        bool quoted = false;
        for (const char *p = line; *p; p++) {
            if (!quoted && p[0] == '\\' && p[1] == '\'')
                p++;   /* the escaped quote of '\'' */
            else if (*p == '\'')
                quoted = !quoted;
            else if (*p == '\n' && !quoted)
                abort();
        }
        if (quoted)
            abort();   /* unbalanced quotes */
    }
    free(line);

    MigrateOptions copy;
    if (migrate_options_copy(&copy, &o) == 0)
        migrate_options_clear(&copy);
    migrate_options_clear(&o);
    free(domain);
    return 0;
}
