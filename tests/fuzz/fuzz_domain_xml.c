/* libFuzzer target for the XML readers (core/domain_xml.c, host_xml.c,
 * xml_util.c): any bytes must give either a result or an error message,
 * never a crash, a leak or undefined behaviour.
 *
 * Not built by `make`. Build and run it with clang's libFuzzer:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Icore \
 *       $(pkg-config --cflags libxml-2.0) tests/fuzz/fuzz_domain_xml.c \
 *       core/domain_xml.c core/host_xml.c core/xml_util.c \
 *       $(pkg-config --libs libxml-2.0) -lpthread -o /tmp/fuzz_domain_xml
 *   mkdir -p /tmp/fuzz-corpus && /tmp/fuzz_domain_xml -max_total_time=60 /tmp/fuzz-corpus
 * Seed the corpus with real documents for deeper coverage, e.g.
 *   virsh dumpxml vm1 > /tmp/fuzz-corpus/vm1.xml */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain_xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The readers take C strings: stop at the first NUL like a caller would. */
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';

    char *error = NULL;
    DomainXmlInfo *domain = NULL;
    if (domain_xml_parse_string(text, "fuzz", &domain, &error) == 0) {
        /* Walk what came back so ASan sees every string. */
        for (size_t i = 0; i < domain->disk_count; i++)
            (void)domain_xml_find_disk(domain, domain->disks[i].target_dev);
        if (domain->cpu_xml)
            (void)strlen(domain->cpu_xml);
    }
    domain_xml_free(domain);
    free(error);
    error = NULL;

    char *renamed = domain_xml_rename(text, "fuzz & <renamed>", &error);
    if (renamed) {
        DomainXmlInfo *again = NULL;
        /* A renamed document must parse to the new name whenever the original
         * parsed as a domain. */
        if (domain_xml_parse_string(renamed, "renamed", &again, NULL) == 0 &&
            strcmp(again->name, "fuzz & <renamed>") != 0)
            abort();
        domain_xml_free(again);
    }
    free(renamed);
    free(error);
    error = NULL;

    CapabilitiesInfo *caps = NULL;
    (void)capabilities_xml_parse(text, &caps, &error);
    capabilities_info_free(caps);
    free(error);
    error = NULL;

    StoragePoolInfo *pool = NULL;
    (void)storage_pool_xml_parse(text, &pool, &error);
    storage_pool_info_free(pool);
    free(error);

    free(text);
    return 0;
}
