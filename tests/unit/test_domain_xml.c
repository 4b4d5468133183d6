/* domain_xml: domain, capabilities and pool XML read with libxml2, on crafted
 * documents: a full guest (several disks, a network disk, a hostdev, an IOMMU),
 * malformed and incomplete ones, renaming, files. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "domain_xml.h"

static const char full_domain[] =
    "<domain type='kvm'>\n"
    "  <name>web-1</name>\n"
    "  <uuid>5b1c6f2e-52c4-4b8e-9d51-2f0d6a1f7c11</uuid>\n"
    "  <memory unit='GiB'>2</memory>\n"
    "  <currentMemory unit='MiB'>1536</currentMemory>\n"
    "  <vcpu placement='static' current='2'>4</vcpu>\n"
    "  <os><type arch='x86_64' machine='pc-q35-7.2'>hvm</type></os>\n"
    "  <cpu mode='custom' match='exact'><model fallback='forbid'>Skylake-Client</model>"
    "<feature policy='require' name='vmx'/></cpu>\n"
    "  <devices>\n"
    "    <disk type='file' device='disk'>\n"
    "      <driver name='qemu' type='qcow2' cache='none'/>\n"
    "      <source file='/var/lib/libvirt/images/web-1.qcow2'/>\n"
    "      <target dev='vda' bus='virtio'/>\n"
    "    </disk>\n"
    "    <disk type='file' device='cdrom'>\n"
    "      <source file='/iso/install.iso'/>\n"
    "      <target dev='sda' bus='sata'/>\n"
    "      <readonly/>\n"
    "    </disk>\n"
    "    <disk type='network' device='disk'>\n"
    "      <driver name='qemu' type='raw' cache='writeback'/>\n"
    "      <source protocol='rbd' name='pool/web-1-data'>\n"
    "        <host name='ceph-mon1' port='6789'/>\n"
    "        <host name='ceph-mon2' port='6789'/>\n"
    "      </source>\n"
    "      <target dev='vdb' bus='virtio'/>\n"
    "      <shareable/>\n"
    "    </disk>\n"
    "    <disk type='block' device='lun'>\n"
    "      <source dev='/dev/mapper/shared'/>\n"
    "      <target dev='sdb' bus='scsi'/>\n"
    "    </disk>\n"
    "    <interface type='network'>\n"
    "      <mac address='52:54:00:aa:bb:01'/>\n"
    "      <source network='default'/>\n"
    "      <model type='virtio'/>\n"
    "    </interface>\n"
    "    <interface type='bridge'>\n"
    "      <source bridge='br0'/>\n"
    "    </interface>\n"
    "    <hostdev mode='subsystem' type='pci' managed='yes'>\n"
    "      <source><address domain='0x0000' bus='0x03' slot='0x00' function='0x1'/></source>\n"
    "    </hostdev>\n"
    "    <iommu model='intel'/>\n"
    "  </devices>\n"
    "</domain>\n";

static DomainXmlInfo *parse_ok(const char *xml)
{
    DomainXmlInfo *info = NULL;
    char *error = NULL;
    int rc = domain_xml_parse_string(xml, "test XML", &info, &error);
    if (rc != 0)
        fail_msg("unexpected parse failure: %s", error ? error : "(no message)");
    assert_null(error);
    assert_non_null(info);
    return info;
}

/* Parses, expects failure, checks the message contains `needle`. */
static void parse_fails(const char *xml, const char *needle)
{
    DomainXmlInfo *info = NULL;
    char *error = NULL;
    assert_int_equal(domain_xml_parse_string(xml, "test XML", &info, &error), -1);
    assert_null(info);
    assert_non_null(error);
    if (!strstr(error, needle))
        fail_msg("error '%s' does not contain '%s'", error, needle);
    free(error);
}

static void test_full_domain_identity(void **state)
{
    (void)state;
    DomainXmlInfo *info = parse_ok(full_domain);
    assert_string_equal(info->name, "web-1");
    assert_string_equal(info->uuid, "5b1c6f2e-52c4-4b8e-9d51-2f0d6a1f7c11");
    assert_string_equal(info->type, "kvm");
    assert_int_equal(info->memory_kib, 2u * 1024 * 1024);
    assert_int_equal(info->current_memory_kib, 1536u * 1024);
    assert_int_equal(info->vcpus, 4);
    assert_int_equal(info->vcpus_current, 2);
    assert_string_equal(info->os_type, "hvm");
    assert_string_equal(info->os_arch, "x86_64");
    assert_string_equal(info->os_machine, "pc-q35-7.2");
    assert_string_equal(info->cpu_mode, "custom");
    assert_string_equal(info->cpu_model, "Skylake-Client");
    assert_true(info->has_iommu);
    domain_xml_free(info);
}

static void test_cpu_element_serialised(void **state)
{
    (void)state;
    DomainXmlInfo *info = parse_ok(full_domain);
    assert_non_null(info->cpu_xml);
    /* The element alone, parseable on its own, with its children. */
    assert_true(strncmp(info->cpu_xml, "<cpu mode=\"custom\" match=\"exact\">", 33) == 0);
    assert_non_null(strstr(info->cpu_xml, "<model fallback=\"forbid\">Skylake-Client</model>"));
    assert_non_null(strstr(info->cpu_xml, "<feature policy=\"require\" name=\"vmx\"/>"));
    assert_non_null(strstr(info->cpu_xml, "</cpu>"));
    assert_null(strstr(info->cpu_xml, "<devices"));
    domain_xml_free(info);
}

static void test_multiple_disks(void **state)
{
    (void)state;
    DomainXmlInfo *info = parse_ok(full_domain);
    assert_int_equal(info->disk_count, 4);

    const DomainDisk *vda = &info->disks[0];
    assert_string_equal(vda->target_dev, "vda");
    assert_string_equal(vda->target_bus, "virtio");
    assert_string_equal(vda->device, "disk");
    assert_string_equal(vda->source_type, "file");
    assert_string_equal(vda->source_file, "/var/lib/libvirt/images/web-1.qcow2");
    assert_string_equal(vda->driver_type, "qcow2");
    assert_string_equal(vda->cache_mode, "none");
    assert_false(vda->readonly);
    assert_false(vda->shareable);

    const DomainDisk *cdrom = domain_xml_find_disk(info, "sda");
    assert_ptr_equal(cdrom, &info->disks[1]);
    assert_string_equal(cdrom->device, "cdrom");
    assert_true(cdrom->readonly);
    assert_null(cdrom->cache_mode);

    const DomainDisk *lun = domain_xml_find_disk(info, "sdb");
    assert_non_null(lun);
    assert_string_equal(lun->source_type, "block");
    assert_string_equal(lun->source_dev, "/dev/mapper/shared");
    assert_null(lun->source_file);
    assert_null(domain_xml_find_disk(info, "vdz"));
    assert_null(domain_xml_find_disk(NULL, "vda"));
    domain_xml_free(info);
}

static void test_disks_copied_by_storage_migration(void **state)
{
    (void)state;
    DomainXmlInfo *info = parse_ok(full_domain);
    /* Default selection: vda (plain image) yes; sda read-only cdrom, vdb
     * shareable network disk: no; sdb (block, writable, not shareable): yes. */
    assert_true(domain_xml_disk_is_copied(domain_xml_find_disk(info, "vda"), NULL, 0));
    assert_false(domain_xml_disk_is_copied(domain_xml_find_disk(info, "sda"), NULL, 0));
    assert_false(domain_xml_disk_is_copied(domain_xml_find_disk(info, "vdb"), NULL, 0));
    assert_true(domain_xml_disk_is_copied(domain_xml_find_disk(info, "sdb"), NULL, 0));
    /* An explicit list decides alone. */
    char *list[] = {"sda", "vdb"};
    assert_false(domain_xml_disk_is_copied(domain_xml_find_disk(info, "vda"), list, 2));
    assert_true(domain_xml_disk_is_copied(domain_xml_find_disk(info, "sda"), list, 2));
    assert_true(domain_xml_disk_is_copied(domain_xml_find_disk(info, "vdb"), list, 2));
    assert_false(domain_xml_disk_is_copied(NULL, list, 2));
    domain_xml_free(info);

    /* An empty CD-ROM has nothing to copy. */
    info = parse_ok("<domain type='kvm'><name>e</name><devices><disk type='file' "
                    "device='cdrom'><target dev='hdc'/></disk></devices></domain>");
    assert_false(domain_xml_disk_is_copied(&info->disks[0], NULL, 0));
    domain_xml_free(info);
}

static void test_network_disk(void **state)
{
    (void)state;
    DomainXmlInfo *info = parse_ok(full_domain);
    const DomainDisk *rbd = domain_xml_find_disk(info, "vdb");
    assert_non_null(rbd);
    assert_string_equal(rbd->source_type, "network");
    assert_string_equal(rbd->source_protocol, "rbd");
    assert_string_equal(rbd->source_name, "pool/web-1-data");
    assert_string_equal(rbd->source_host, "ceph-mon1");   /* the first host */
    assert_string_equal(rbd->source_port, "6789");
    assert_string_equal(rbd->cache_mode, "writeback");
    assert_true(rbd->shareable);
    assert_null(rbd->source_file);
    domain_xml_free(info);
}

static void test_interfaces(void **state)
{
    (void)state;
    DomainXmlInfo *info = parse_ok(full_domain);
    assert_int_equal(info->interface_count, 2);
    assert_string_equal(info->interfaces[0].type, "network");
    assert_string_equal(info->interfaces[0].source, "default");
    assert_string_equal(info->interfaces[0].mac, "52:54:00:aa:bb:01");
    assert_string_equal(info->interfaces[0].model, "virtio");
    assert_string_equal(info->interfaces[1].type, "bridge");
    assert_string_equal(info->interfaces[1].source, "br0");
    assert_null(info->interfaces[1].mac);
    domain_xml_free(info);
}

static void test_hostdev_guest(void **state)
{
    (void)state;
    DomainXmlInfo *info = parse_ok(full_domain);
    assert_int_equal(info->hostdev_count, 1);
    assert_string_equal(info->hostdevs[0].type, "pci");
    assert_true(info->hostdevs[0].has_pci_address);
    assert_int_equal(info->hostdevs[0].pci_bus, 3);
    assert_int_equal(info->hostdevs[0].pci_function, 1);
    assert_string_equal(info->hostdevs[0].pci_address, "0000:03:00.1");
    domain_xml_free(info);
}

static void test_minimal_domain_defaults(void **state)
{
    (void)state;
    DomainXmlInfo *info = parse_ok(
        "<domain type='qemu'><name>tiny</name><memory>65536</memory>"
        "<os><type>hvm</type></os><devices>"
        "<disk><source file='/x.img'/><target dev='hda'/></disk></devices></domain>");
    assert_string_equal(info->name, "tiny");
    assert_null(info->uuid);
    assert_int_equal(info->memory_kib, 65536);          /* no unit: KiB */
    assert_int_equal(info->current_memory_kib, 65536);  /* no currentMemory: memory */
    assert_int_equal(info->vcpus, 1);                   /* no vcpu: libvirt's 1 */
    assert_int_equal(info->vcpus_current, 1);
    assert_null(info->cpu_xml);
    assert_null(info->os_arch);
    assert_false(info->has_iommu);
    assert_int_equal(info->disk_count, 1);
    assert_string_equal(info->disks[0].device, "disk");      /* libvirt's default */
    assert_string_equal(info->disks[0].source_type, "file"); /* libvirt's default */
    assert_int_equal(info->interface_count, 0);
    assert_null(info->interfaces);
    assert_int_equal(info->hostdev_count, 0);
    domain_xml_free(info);
}

static void test_memory_units(void **state)
{
    (void)state;
    static const struct { const char *unit; const char *value; uint64_t kib; } rows[] = {
        {"b", "1048576", 1024}, {"bytes", "1025", 2},   /* rounded up like libvirt */
        {"KiB", "100", 100}, {"k", "100", 100}, {"KB", "1024", 1000},
        {"MiB", "2", 2048}, {"M", "2", 2048}, {"MB", "1", 977},
        {"GiB", "1", 1048576}, {"G", "1", 1048576}, {"gib", "1", 1048576},
        {"TiB", "1", 1073741824ull},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char xml[256];
        snprintf(xml, sizeof(xml), "<domain type='kvm'><name>m</name>"
                 "<memory unit='%s'>%s</memory></domain>", rows[i].unit, rows[i].value);
        DomainXmlInfo *info = parse_ok(xml);
        if (info->memory_kib != rows[i].kib)
            fail_msg("%s %s: got %llu KiB, want %llu", rows[i].value, rows[i].unit,
                     (unsigned long long)info->memory_kib, (unsigned long long)rows[i].kib);
        domain_xml_free(info);
    }
}

static void test_malformed_xml_has_line(void **state)
{
    (void)state;
    /* Line 3 closes <memory> with </domain>. */
    parse_fails("<domain type='kvm'>\n<name>x</name>\n<memory>1</domain>\n",
                "test XML:3:");
    parse_fails("<domain type='kvm'>\n<name>x</name>\n<memory>1</domain>\n",
                "mismatch");
    parse_fails("", "test XML:1:");
    parse_fails("this is not xml", "test XML:1:");
    parse_fails("<domain type='kvm'><name>a & b</name></domain>", "test XML:1:");
}

static void test_missing_and_wrong_elements(void **state)
{
    (void)state;
    parse_fails("<domain type='kvm'><memory>1</memory></domain>", "has no <name>");
    parse_fails("<domain><name>x</name></domain>", "no type attribute");
    parse_fails("<network><name>default</name></network>",
                "the root element is <network>, not <domain>");
    parse_fails("<domain type='kvm'><name>x</name><memory>lots</memory></domain>",
                "<memory> is 'lots', not a whole number");
    parse_fails("<domain type='kvm'><name>x</name><memory unit='parsecs'>1</memory>"
                "</domain>", "unknown unit");
    parse_fails("<domain type='kvm'><name>x</name><vcpu>0</vcpu></domain>", "<vcpu> is '0'");
    parse_fails("<domain type='kvm'><name>x</name><vcpu current='3'>2</vcpu></domain>",
                "<vcpu current='3'>");
    parse_fails("<domain type='kvm'><name>x</name><devices><disk type='file'>"
                "<source file='/a'/></disk></devices></domain>",
                "disk 1 (<disk> number 1 under <devices>) has no <target dev=.../>");
    parse_fails("<domain type='kvm'><name>x</name><devices><hostdev type='pci'><source>"
                "<address domain='0' bus='0x1ff' slot='0' function='0'/></source></hostdev>"
                "</devices></domain>", "bus='0x1ff'");

    DomainXmlInfo *info = NULL;
    char *error = NULL;
    assert_int_equal(domain_xml_parse_string(NULL, NULL, &info, &error), -1);
    assert_non_null(strstr(error, "domain XML: no XML given"));
    free(error);
}

static void test_no_dtd_or_entities(void **state)
{
    (void)state;
    /* Neither an external entity (could read a local file) nor an internal one
     * (could multiply, "billion laughs") gets anywhere: any DTD is refused. */
    parse_fails("<?xml version='1.0'?>\n<!DOCTYPE domain [<!ENTITY leak SYSTEM "
                "'file:///etc/hostname'>]>\n<domain type='kvm'><name>&leak;</name></domain>",
                "declares a DTD");
    parse_fails("<?xml version='1.0'?>\n<!DOCTYPE domain [<!ENTITY a 'aaaaaaaaaa'>"
                "<!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'>]>\n"
                "<domain type='kvm'><name>&b;</name></domain>", "declares a DTD");
    parse_fails("<domain type='kvm'><name>x</name></domain><extra/>",
                "test XML:1: Extra content");
}

static void test_rename(void **state)
{
    (void)state;
    char *error = NULL;
    char *renamed = domain_xml_rename(full_domain, "web-1 & <new>", &error);
    assert_non_null(renamed);
    assert_null(error);
    /* Escaped in the text, and the rest of the document unchanged. */
    assert_non_null(strstr(renamed, "<name>web-1 &amp; &lt;new&gt;</name>"));
    DomainXmlInfo *info = parse_ok(renamed);
    assert_string_equal(info->name, "web-1 & <new>");
    assert_string_equal(info->uuid, "5b1c6f2e-52c4-4b8e-9d51-2f0d6a1f7c11");
    assert_int_equal(info->disk_count, 4);
    domain_xml_free(info);
    free(renamed);

    assert_null(domain_xml_rename(full_domain, "", &error));
    assert_non_null(strstr(error, "empty name"));
    free(error);
    error = NULL;
    assert_null(domain_xml_rename("<domain type='kvm'/>", "x", &error));
    assert_non_null(strstr(error, "exactly one <name>"));
    free(error);
    error = NULL;
    assert_null(domain_xml_rename("<domain", "x", &error));
    assert_non_null(strstr(error, "domain XML:1:"));
    free(error);
}

static void test_files(void **state)
{
    (void)state;
    char path[] = "/tmp/virtmig-test-domain-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, full_domain, strlen(full_domain)), (ssize_t)strlen(full_domain));
    close(fd);

    DomainXmlInfo *info = NULL;
    char *error = NULL;
    assert_int_equal(domain_xml_parse_file(path, &info, &error), 0);
    assert_string_equal(info->name, "web-1");
    domain_xml_free(info);

    /* Errors name the file. */
    fd = open(path, O_WRONLY | O_TRUNC);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "<domain>\n<name>", 15), 15);
    close(fd);
    assert_int_equal(domain_xml_parse_file(path, &info, &error), -1);
    assert_non_null(strstr(error, path));
    assert_non_null(strstr(error, ":2:"));
    free(error);
    error = NULL;
    unlink(path);

    assert_int_equal(domain_xml_parse_file(path, &info, &error), -1);
    assert_non_null(strstr(error, "cannot read"));
    assert_non_null(strstr(error, "No such file or directory"));
    free(error);
    error = NULL;
    assert_int_equal(domain_xml_parse_file("/tmp", &info, &error), -1);
    assert_non_null(strstr(error, "is a directory"));
    free(error);
    error = NULL;
    assert_null(domain_xml_read_file("", &error));
    assert_non_null(strstr(error, "no file name"));
    free(error);
}

static void test_capabilities(void **state)
{
    (void)state;
    static const char caps[] =
        "<capabilities>\n"
        "  <host>\n"
        "    <uuid>11111111-2222-3333-4444-555555555555</uuid>\n"
        "    <cpu><arch>x86_64</arch><model>Skylake-Client-IBRS</model>"
        "<vendor>Intel</vendor></cpu>\n"
        "    <migration_features><live/><uri_transports>"
        "<uri_transport>tcp</uri_transport><uri_transport>rdma</uri_transport>"
        "</uri_transports></migration_features>\n"
        "  </host>\n"
        "  <guest><os_type>hvm</os_type></guest>\n"
        "</capabilities>\n";
    CapabilitiesInfo *info = NULL;
    char *error = NULL;
    assert_int_equal(capabilities_xml_parse(caps, &info, &error), 0);
    assert_string_equal(info->host_uuid, "11111111-2222-3333-4444-555555555555");
    assert_string_equal(info->arch, "x86_64");
    assert_string_equal(info->cpu_model, "Skylake-Client-IBRS");
    assert_string_equal(info->cpu_vendor, "Intel");
    assert_true(info->live_migration);
    assert_int_equal(info->migration_transport_count, 2);
    assert_string_equal(info->migration_transports[0], "tcp");
    assert_string_equal(info->migration_transports[1], "rdma");
    capabilities_info_free(info);

    assert_int_equal(capabilities_xml_parse("<capabilities><host/></capabilities>", &info,
                                            &error), -1);
    assert_non_null(strstr(error, "no <host><uuid>"));
    free(error);
    error = NULL;
    assert_int_equal(capabilities_xml_parse("<domain type='kvm'/>", &info, &error), -1);
    assert_non_null(strstr(error, "not <capabilities>"));
    free(error);
    capabilities_info_free(NULL);
}

static void test_storage_pool(void **state)
{
    (void)state;
    StoragePoolInfo *info = NULL;
    char *error = NULL;
    assert_int_equal(storage_pool_xml_parse(
        "<pool type='dir'><name>images</name><target><path>/var/lib/libvirt/images</path>"
        "</target></pool>", &info, &error), 0);
    assert_string_equal(info->name, "images");
    assert_string_equal(info->type, "dir");
    assert_string_equal(info->target_path, "/var/lib/libvirt/images");
    storage_pool_info_free(info);

    assert_int_equal(storage_pool_xml_parse("<pool type='rbd'><name>ceph</name></pool>",
                                            &info, &error), 0);
    assert_null(info->target_path);
    storage_pool_info_free(info);

    assert_int_equal(storage_pool_xml_parse("<pool><target/></pool>", &info, &error), -1);
    assert_non_null(strstr(error, "no <name>"));
    free(error);
    storage_pool_info_free(NULL);
    domain_xml_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_domain_identity),
        cmocka_unit_test(test_cpu_element_serialised),
        cmocka_unit_test(test_multiple_disks),
        cmocka_unit_test(test_network_disk),
        cmocka_unit_test(test_disks_copied_by_storage_migration),
        cmocka_unit_test(test_interfaces),
        cmocka_unit_test(test_hostdev_guest),
        cmocka_unit_test(test_minimal_domain_defaults),
        cmocka_unit_test(test_memory_units),
        cmocka_unit_test(test_malformed_xml_has_line),
        cmocka_unit_test(test_missing_and_wrong_elements),
        cmocka_unit_test(test_no_dtd_or_entities),
        cmocka_unit_test(test_rename),
        cmocka_unit_test(test_files),
        cmocka_unit_test(test_capabilities),
        cmocka_unit_test(test_storage_pool),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
