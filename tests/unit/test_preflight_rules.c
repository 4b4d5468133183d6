/* Pre-flight rules on crafted domain XML and facts: each rule's pass and its
 * failure (and the warnings in between), the reason line names what was
 * found and the fix says what to do. No libvirt: the facts are what
 * core/preflight.c would gather (see tests/integration/test_preflight.c for
 * the same checks on the real lab). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "preflight_rules.h"

/* ---- crafted guests -------------------------------------------------- */

static const char plain_guest[] =
    "<domain type='kvm'><name>web-1</name>"
    "<uuid>5b1c6f2e-52c4-4b8e-9d51-2f0d6a1f7c11</uuid>"
    "<memory unit='GiB'>2</memory>"
    "<os><type arch='x86_64' machine='pc-q35-7.2'>hvm</type></os>"
    "<cpu mode='custom' match='exact'><model fallback='forbid'>Skylake-Client</model></cpu>"
    "<devices>"
    "<disk type='file' device='disk'><driver name='qemu' type='qcow2' cache='none'/>"
    "<source file='/var/lib/libvirt/images/web-1.qcow2'/><target dev='vda' bus='virtio'/></disk>"
    "<disk type='file' device='cdrom'><target dev='sda' bus='sata'/><readonly/></disk>"
    "<disk type='network' device='disk'><driver name='qemu' type='raw' cache='writeback'/>"
    "<source protocol='nbd' name='lun1'><host name='10.0.0.1' port='10809'/></source>"
    "<target dev='vdb' bus='virtio'/></disk>"
    "<interface type='network'><source network='prod'/><model type='virtio'/></interface>"
    "<interface type='bridge'><source bridge='br0'/></interface>"
    "<interface type='user'/>"
    "</devices></domain>";

static const char no_cpu_guest[] =
    "<domain type='kvm'><name>tiny</name><uuid>11111111-2222-4333-8444-555555555555</uuid>"
    "<memory unit='MiB'>256</memory><os><type arch='x86_64'>hvm</type></os></domain>";

static const char vf_guest[] =
    "<domain type='kvm'><name>nfv-1</name><uuid>22222222-2222-4333-8444-555555555555</uuid>"
    "<memory unit='GiB'>4</memory><os><type arch='x86_64'>hvm</type></os><devices>"
    "<hostdev mode='subsystem' type='pci' managed='yes'><source>"
    "<address domain='0x0000' bus='0x03' slot='0x00' function='0x1'/></source></hostdev>"
    "</devices></domain>";

static const char vf_iommu_guest[] =
    "<domain type='kvm'><name>nfv-2</name><uuid>33333333-2222-4333-8444-555555555555</uuid>"
    "<memory unit='GiB'>4</memory><os><type arch='x86_64'>hvm</type></os><devices>"
    "<hostdev mode='subsystem' type='pci' managed='yes'><source>"
    "<address domain='0x0000' bus='0x03' slot='0x00' function='0x1'/></source></hostdev>"
    "<iommu model='intel'/></devices></domain>";

static const char scsi_hostdev_guest[] =
    "<domain type='kvm'><name>tape</name><uuid>44444444-2222-4333-8444-555555555555</uuid>"
    "<memory unit='GiB'>1</memory><os><type arch='x86_64'>hvm</type></os><devices>"
    "<hostdev mode='subsystem' type='scsi'><source><adapter name='scsi_host0'/>"
    "<address bus='0' target='0' unit='0'/></source></hostdev>"
    "<hostdev mode='subsystem' type='usb'><source><vendor id='0x1234'/>"
    "<product id='0xbeef'/></source></hostdev>"
    "</devices></domain>";

static const char writeback_guest[] =
    "<domain type='kvm'><name>db-1</name><uuid>55555555-2222-4333-8444-555555555555</uuid>"
    "<memory unit='GiB'>8</memory><os><type arch='x86_64'>hvm</type></os><devices>"
    "<disk type='block' device='disk'><driver name='qemu' type='raw' cache='writeback'/>"
    "<source dev='/dev/mapper/lun7'/><target dev='vda' bus='virtio'/></disk>"
    "<disk type='file' device='disk'><driver name='qemu' type='raw'/>"
    "<source file='/nfs/db-1-log.img'/><target dev='vdc' bus='virtio'/></disk>"
    "<disk type='file' device='disk'><driver name='qemu' type='raw' cache='directsync'/>"
    "<source file='/nfs/db-1-data.img'/><target dev='vdd' bus='virtio'/><shareable/></disk>"
    "</devices></domain>";

/* ---- fixtures ---------------------------------------------------------- */

typedef struct {
    DomainXmlInfo *domain;
    PreflightFacts facts;
    PreflightDiskFacts disks[8];
    PreflightNetFacts nets[8];
    MigrateOptions options;
    PreflightCheck check;
} Case;

static DomainXmlInfo *parse(const char *xml)
{
    DomainXmlInfo *info = NULL;
    char *error = NULL;
    if (domain_xml_parse_string(xml, "crafted", &info, &error) < 0)
        fail_msg("crafted XML does not parse: %s", error ? error : "?");
    return info;
}

/* Facts of a migration where everything is fine: connected, same QEMU and
 * libvirt, CPU identical, plenty of memory, no clash, disks shared, networks
 * present, hostname resolving, a quiet guest. */
static void case_init(Case *c, const char *xml)
{
    memset(c, 0, sizeof(*c));
    c->domain = parse(xml);
    PreflightFacts *f = &c->facts;
    f->source_name = "labhost1";
    f->dest_name = "labhost2";
    f->dest_connected = true;
    f->source_hv_type = "QEMU";
    f->dest_hv_type = "QEMU";
    f->source_libvirt_version = 9000000;
    f->dest_libvirt_version = 9000000;
    f->source_hv_version = 7002000;
    f->dest_hv_version = 7002000;
    f->dest_uri_host = "198.18.77.12";
    f->domain = c->domain;
    f->domain_active = true;
    f->cpu_result = PREFLIGHT_CPU_IDENTICAL;
    f->dest_free_memory_known = true;
    f->dest_free_memory_bytes = 64ull << 30;
    for (size_t i = 0; i < 8; i++) {
        c->disks[i].checked = true;
        c->disks[i].dest_volume_exists = true;
        snprintf(c->disks[i].source_pool_type, sizeof(c->disks[i].source_pool_type), "netfs");
        c->nets[i].checked = true;
        c->nets[i].exists = true;
        c->nets[i].active = true;
    }
    f->disks = c->disks;
    f->interfaces = c->nets;
    f->dest_hostname = "labhost2";
    f->hostname_resolved = true;
    snprintf(f->hostname_address, sizeof(f->hostname_address), "198.18.77.12");
    f->dirty_rate_known = true;
    f->dirty_rate_mibs = 1.0;
    f->dirty_rate_origin = "sampled 2 s ago";
    migrate_options_init(&c->options);
}

static void case_clear(Case *c)
{
    domain_xml_free(c->domain);
    migrate_options_clear(&c->options);
}

static void expect(const PreflightCheck *check, PreflightCheckId id, PreflightStatus status,
                   const char *why_part, const char *fix_part)
{
    char line[600];
    preflight_check_format(check, line, sizeof(line));
    if (check->id != id || check->status != status)
        fail_msg("expected %s %s, got: %s", preflight_status_name(status),
                 preflight_check_name(id), line);
    if (why_part && !strstr(check->why, why_part))
        fail_msg("\"%s\" not in why: %s", why_part, line);
    if (fix_part && !strstr(check->fix, fix_part))
        fail_msg("\"%s\" not in fix: %s", fix_part, line);
    /* A failure always says what to do. */
    if (status == PREFLIGHT_FAIL && check->fix[0] == '\0')
        fail_msg("a failure without a fix: %s", line);
}

/* ---- destination and versions -------------------------------------------- */

static void test_destination(void **state)
{
    (void)state;
    Case c;
    case_init(&c, plain_guest);
    preflight_rule_destination(&c.facts, &c.check);
    expect(&c.check, PREFLIGHT_CHECK_DESTINATION, PREFLIGHT_PASS, "labhost2 is connected", NULL);

    c.facts.dest_connected = false;
    c.facts.dest_state_text = "Cannot recv data: Connection reset by peer";
    preflight_rule_destination(&c.facts, &c.check);
    expect(&c.check, PREFLIGHT_CHECK_DESTINATION, PREFLIGHT_FAIL, "Connection reset by peer",
           "another destination");

    c.facts.dest_connected = true;
    c.facts.dest_hv_type = "Xen";
    preflight_rule_destination(&c.facts, &c.check);
    expect(&c.check, PREFLIGHT_CHECK_DESTINATION, PREFLIGHT_FAIL, "runs Xen", "same hypervisor");
    case_clear(&c);
}

static void test_versions(void **state)
{
    (void)state;
    Case c;
    case_init(&c, plain_guest);
    c.options.parallel = true;
    c.options.parallel_connections = 4;
    OptionField field = OPT_FIELD_NONE;
    unsigned long needed = migrate_options_min_libvirt(&c.options, &field);
    assert_true(needed > 0);
    assert_int_equal(field, OPT_FIELD_PARALLEL);

    preflight_rule_versions(&c.facts, &c.options, &c.check);
    expect(&c.check, PREFLIGHT_CHECK_VERSIONS, PREFLIGHT_PASS, "accept every option", NULL);

    /* The destination's libvirt is one micro release short. */
    c.facts.dest_libvirt_version = needed - 1;
    preflight_rule_versions(&c.facts, &c.options, &c.check);
    expect(&c.check, PREFLIGHT_CHECK_VERSIONS, PREFLIGHT_FAIL, "--parallel", "upgrade libvirt on labhost2");

    /* Or the source's. */
    c.facts.dest_libvirt_version = 9000000;
    c.facts.source_libvirt_version = needed - 1;
    preflight_rule_versions(&c.facts, &c.options, &c.check);
    expect(&c.check, PREFLIGHT_CHECK_VERSIONS, PREFLIGHT_FAIL, "labhost1 has", "--parallel off");

    /* Exactly the minimum is enough. */
    c.facts.source_libvirt_version = needed;
    preflight_rule_versions(&c.facts, &c.options, &c.check);
    expect(&c.check, PREFLIGHT_CHECK_VERSIONS, PREFLIGHT_PASS, NULL, NULL);

    c.facts.dest_libvirt_version = 0;
    preflight_rule_versions(&c.facts, &c.options, &c.check);
    expect(&c.check, PREFLIGHT_CHECK_VERSIONS, PREFLIGHT_WARN, "unknown", NULL);
    case_clear(&c);
}

/* ---- CPU and memory --------------------------------------------------------- */

static void test_cpu(void **state)
{
    (void)state;
    Case c;
    case_init(&c, plain_guest);
    preflight_rule_cpu(&c.facts, &c.check);
    expect(&c.check, PREFLIGHT_CHECK_CPU, PREFLIGHT_PASS, "Skylake-Client", NULL);
    c.facts.cpu_result = PREFLIGHT_CPU_SUPERSET;
    preflight_rule_cpu(&c.facts, &c.check);
    expect(&c.check, PREFLIGHT_CHECK_CPU, PREFLIGHT_PASS, "superset", NULL);

    c.facts.cpu_result = PREFLIGHT_CPU_INCOMPATIBLE;
    c.facts.dest_cpu_model = "Westmere";
    c.facts.cpu_error = "Host CPU does not provide required features: avx2";
    preflight_rule_cpu(&c.facts, &c.check);
    expect(&c.check, PREFLIGHT_CHECK_CPU, PREFLIGHT_FAIL, "avx2", "hypervisor-cpu-baseline");
    assert_non_null(strstr(c.check.why, "Westmere"));

    c.facts.cpu_result = PREFLIGHT_CPU_NOT_COMPARED;
    c.facts.cpu_error = "unsupported configuration: CPU mode 'host-passthrough'";
    preflight_rule_cpu(&c.facts, &c.check);
    expect(&c.check, PREFLIGHT_CHECK_CPU, PREFLIGHT_WARN, "host-passthrough", NULL);
    case_clear(&c);

    /* No <cpu>: says what is compared instead of pretending. */
    case_init(&c, no_cpu_guest);
    c.facts.cpu_result = PREFLIGHT_CPU_NOT_COMPARED;
    preflight_rule_cpu(&c.facts, &c.check);
    expect(&c.check, PREFLIGHT_CHECK_CPU, PREFLIGHT_PASS, "no <cpu> element", NULL);
    assert_non_null(strstr(c.check.why, "default model"));
    case_clear(&c);
}

static void test_memory(void **state)
{
    (void)state;
    Case c;
    case_init(&c, plain_guest);   /* 2 GiB */
    preflight_rule_memory(&c.facts, &c.options, &c.check);
    expect(&c.check, PREFLIGHT_CHECK_MEMORY, PREFLIGHT_PASS, "65536 MiB free", NULL);

    c.facts.dest_free_memory_bytes = 1ull << 30;
    preflight_rule_memory(&c.facts, &c.options, &c.check);
    expect(&c.check, PREFLIGHT_CHECK_MEMORY, PREFLIGHT_FAIL, "the guest needs 2048 MiB",
           "free memory");

    /* 5% more than the guest: it fits, barely. */
    c.facts.dest_free_memory_bytes = (2ull << 30) + (2ull << 30) / 20;
    preflight_rule_memory(&c.facts, &c.options, &c.check);
    expect(&c.check, PREFLIGHT_CHECK_MEMORY, PREFLIGHT_WARN, "within 10%", NULL);

    /* Offline: the memory is needed only when it starts there. */
    c.facts.dest_free_memory_bytes = 1ull << 30;
    c.options.live = false;
    c.options.offline = true;
    preflight_rule_memory(&c.facts, &c.options, &c.check);
    expect(&c.check, PREFLIGHT_CHECK_MEMORY, PREFLIGHT_WARN, "offline", NULL);

    c.facts.dest_free_memory_known = false;
    preflight_rule_memory(&c.facts, &c.options, &c.check);
    expect(&c.check, PREFLIGHT_CHECK_MEMORY, PREFLIGHT_WARN, "unknown", NULL);
    case_clear(&c);
}

/* ---- name / UUID -------------------------------------------------------------- */

static void test_name(void **state)
{
    (void)state;
    Case c;
    case_init(&c, plain_guest);
    preflight_rule_name(&c.facts, &c.options, &c.check);
    expect(&c.check, PREFLIGHT_CHECK_NAME, PREFLIGHT_PASS, "no domain named web-1", NULL);

    /* The same guest already runs there. */
    PreflightDestDomain running = { .exists = true, .active = true, .persistent = true,
                                    .uuid = "5b1c6f2e-52c4-4b8e-9d51-2f0d6a1f7c11",
                                    .name = "web-1" };
    c.facts.dest_by_uuid = running;
    c.facts.dest_by_name = running;
    preflight_rule_name(&c.facts, &c.options, &c.check);
    expect(&c.check, PREFLIGHT_CHECK_NAME, PREFLIGHT_FAIL, "already runs on labhost2",
           "destroy that copy");

    /* Its shut-off copy (a trip there and back without undefine). */
    c.facts.dest_by_uuid.active = false;
    c.facts.dest_by_name.active = false;
    preflight_rule_name(&c.facts, &c.options, &c.check);
    expect(&c.check, PREFLIGHT_CHECK_NAME, PREFLIGHT_WARN, "live migration replaces", NULL);
    c.options.live = false;
    c.options.offline = true;
    preflight_rule_name(&c.facts, &c.options, &c.check);
    expect(&c.check, PREFLIGHT_CHECK_NAME, PREFLIGHT_WARN, "offline migration replaces", NULL);

    /* Another guest with the same name. */
    memset(&c.facts.dest_by_uuid, 0, sizeof(c.facts.dest_by_uuid));
    snprintf(c.facts.dest_by_name.uuid, sizeof(c.facts.dest_by_name.uuid),
             "99999999-2222-4333-8444-555555555555");
    preflight_rule_name(&c.facts, &c.options, &c.check);
    expect(&c.check, PREFLIGHT_CHECK_NAME, PREFLIGHT_FAIL, "99999999-2222", "dname");

    /* Renamed on the way: the name it will have is the one checked. */
    memset(&c.facts.dest_by_name, 0, sizeof(c.facts.dest_by_name));
    c.options.dname = strdup("web-1-new");
    preflight_rule_name(&c.facts, &c.options, &c.check);
    expect(&c.check, PREFLIGHT_CHECK_NAME, PREFLIGHT_PASS, "web-1-new", NULL);
    case_clear(&c);
}

/* ---- storage ------------------------------------------------------------------- */

static void test_storage_shared_and_network(void **state)
{
    (void)state;
    Case c;
    case_init(&c, plain_guest);
    bool copy_needed = true;
    preflight_rule_storage(&c.facts, &c.options, &c.check, &copy_needed);
    expect(&c.check, PREFLIGHT_CHECK_STORAGE, PREFLIGHT_PASS, "netfs pool", NULL);
    assert_non_null(strstr(c.check.why, "vdb: network disk (nbd), shared"));
    assert_non_null(strstr(c.check.why, "sda: no medium"));
    assert_false(copy_needed);

    /* The same path exists there, but nobody knows which filesystem. */
    c.disks[0].source_pool_type[0] = '\0';
    preflight_rule_storage(&c.facts, &c.options, &c.check, &copy_needed);
    expect(&c.check, PREFLIGHT_CHECK_STORAGE, PREFLIGHT_WARN, "shared filesystem",
           "copy-storage-all");

    /* A lookup that failed is said, with its message. */
    c.disks[0].checked = false;
    snprintf(c.disks[0].lookup_error, sizeof(c.disks[0].lookup_error),
             "labhost2: look up /var/lib/libvirt/images/web-1.qcow2: permission denied");
    preflight_rule_storage(&c.facts, &c.options, &c.check, &copy_needed);
    expect(&c.check, PREFLIGHT_CHECK_STORAGE, PREFLIGHT_WARN, "permission denied", NULL);
    case_clear(&c);
}

static void test_storage_private_disk(void **state)
{
    (void)state;
    Case c;
    case_init(&c, plain_guest);
    bool copy_needed = false;
    /* A disk in the source's own dir pool, absent on the destination. */
    snprintf(c.disks[0].source_pool_type, sizeof(c.disks[0].source_pool_type), "dir");
    c.disks[0].dest_volume_exists = false;
    preflight_rule_storage(&c.facts, &c.options, &c.check, &copy_needed);
    expect(&c.check, PREFLIGHT_CHECK_STORAGE, PREFLIGHT_FAIL, "not reachable on labhost2",
           "enable copy-storage-all");
    assert_true(copy_needed);

    /* A file at the same path there is another host's own file. */
    c.disks[0].dest_volume_exists = true;
    preflight_rule_storage(&c.facts, &c.options, &c.check, &copy_needed);
    expect(&c.check, PREFLIGHT_CHECK_STORAGE, PREFLIGHT_FAIL, "different file",
           "copy-storage-all");

    /* Copied: into the pool at the disk's directory. */
    c.disks[0].dest_volume_exists = false;
    snprintf(c.disks[0].dest_pool_for_dir, sizeof(c.disks[0].dest_pool_for_dir), "default");
    c.options.copy_storage_all = true;
    char *only[] = { "vda" };
    c.options.migrate_disks = only;
    c.options.migrate_disks_count = 1;
    preflight_rule_storage(&c.facts, &c.options, &c.check, &copy_needed);
    expect(&c.check, PREFLIGHT_CHECK_STORAGE, PREFLIGHT_PASS, "created in pool default", NULL);
    assert_false(copy_needed);

    /* Copied, but no pool there to create it in. */
    c.disks[0].dest_pool_for_dir[0] = '\0';
    preflight_rule_storage(&c.facts, &c.options, &c.check, &copy_needed);
    expect(&c.check, PREFLIGHT_CHECK_STORAGE, PREFLIGHT_FAIL, "needs an active pool",
           "/var/lib/libvirt/images");

    /* Without a list libvirt copies the network disk too: onto itself. */
    c.options.migrate_disks = NULL;
    c.options.migrate_disks_count = 0;
    snprintf(c.disks[0].dest_pool_for_dir, sizeof(c.disks[0].dest_pool_for_dir), "default");
    preflight_rule_storage(&c.facts, &c.options, &c.check, &copy_needed);
    expect(&c.check, PREFLIGHT_CHECK_STORAGE, PREFLIGHT_WARN, "copied onto itself",
           "--migrate-disks");
    case_clear(&c);
}

static void test_storage_readonly_copy_and_offline(void **state)
{
    (void)state;
    static const char guest[] =
        "<domain type='kvm'><name>ro</name><memory>65536</memory>"
        "<os><type arch='x86_64'>hvm</type></os><devices>"
        "<disk type='file' device='cdrom'><source file='/iso/tools.iso'/>"
        "<target dev='sda' bus='sata'/><readonly/></disk></devices></domain>";
    Case c;
    case_init(&c, guest);
    c.options.copy_storage_all = true;
    char *only[] = { "sda" };
    c.options.migrate_disks = only;
    c.options.migrate_disks_count = 1;
    bool copy_needed = false;
    preflight_rule_storage(&c.facts, &c.options, &c.check, &copy_needed);
    expect(&c.check, PREFLIGHT_CHECK_STORAGE, PREFLIGHT_FAIL, "read-only", "--migrate-disks");
    c.options.migrate_disks = NULL;
    c.options.migrate_disks_count = 0;
    c.options.copy_storage_all = false;
    case_clear(&c);

    /* Offline: the disk is not there, but only the definition moves. */
    case_init(&c, plain_guest);
    snprintf(c.disks[0].source_pool_type, sizeof(c.disks[0].source_pool_type), "dir");
    c.disks[0].dest_volume_exists = false;
    c.options.live = false;
    c.options.offline = true;
    preflight_rule_storage(&c.facts, &c.options, &c.check, &copy_needed);
    expect(&c.check, PREFLIGHT_CHECK_STORAGE, PREFLIGHT_WARN, "offline moves only the definition",
           "before starting it");
    assert_false(copy_needed);
    case_clear(&c);
}

static void test_disk_cache(void **state)
{
    (void)state;
    Case c;
    case_init(&c, plain_guest);
    /* vda cache=none, the cdrom is empty, the network disk does not count. */
    preflight_rule_disk_cache(&c.facts, &c.options, &c.check);
    expect(&c.check, PREFLIGHT_CHECK_DISK_CACHE, PREFLIGHT_PASS, "none/directsync", NULL);
    case_clear(&c);

    /* vda writeback (block), vdc the default; vdd is shareable (skipped). */
    case_init(&c, writeback_guest);
    preflight_rule_disk_cache(&c.facts, &c.options, &c.check);
    expect(&c.check, PREFLIGHT_CHECK_DISK_CACHE, PREFLIGHT_PASS, "vda cache=writeback", NULL);
    assert_non_null(strstr(c.check.why, "vdc cache=default"));
    assert_null(strstr(c.check.why, "vdd"));
    assert_non_null(strstr(c.check.why, "drops the host page cache"));

    /* Before QEMU could drop the page cache, libvirt refuses. */
    c.facts.source_hv_version = 2012000;
    preflight_rule_disk_cache(&c.facts, &c.options, &c.check);
    expect(&c.check, PREFLIGHT_CHECK_DISK_CACHE, PREFLIGHT_FAIL, "data corruption",
           "cache='none'");
    c.facts.source_hv_version = 0;
    preflight_rule_disk_cache(&c.facts, &c.options, &c.check);
    expect(&c.check, PREFLIGHT_CHECK_DISK_CACHE, PREFLIGHT_WARN, NULL, "cache='none'");

    c.options.unsafe = true;
    preflight_rule_disk_cache(&c.facts, &c.options, &c.check);
    expect(&c.check, PREFLIGHT_CHECK_DISK_CACHE, PREFLIGHT_WARN, "--unsafe", NULL);
    c.options.unsafe = false;

    /* Copied disks are safe whatever their cache. */
    c.facts.source_hv_version = 2012000;
    c.options.copy_storage_all = true;
    preflight_rule_disk_cache(&c.facts, &c.options, &c.check);
    expect(&c.check, PREFLIGHT_CHECK_DISK_CACHE, PREFLIGHT_PASS, NULL, NULL);
    case_clear(&c);
}

/* ---- networks ------------------------------------------------------------------ */

static void test_networks(void **state)
{
    (void)state;
    Case c;
    case_init(&c, plain_guest);
    preflight_rule_networks(&c.facts, &c.options, &c.check);
    expect(&c.check, PREFLIGHT_CHECK_NETWORKS, PREFLIGHT_PASS, "network prod is active", NULL);
    assert_non_null(strstr(c.check.why, "bridge br0 exists"));

    c.nets[0].exists = false;
    preflight_rule_networks(&c.facts, &c.options, &c.check);
    expect(&c.check, PREFLIGHT_CHECK_NETWORKS, PREFLIGHT_FAIL, "network prod does not exist on "
           "labhost2", "create network prod");

    c.nets[0].exists = true;
    c.nets[0].active = false;
    preflight_rule_networks(&c.facts, &c.options, &c.check);
    expect(&c.check, PREFLIGHT_CHECK_NETWORKS, PREFLIGHT_FAIL, "not active", "net-start prod");

    c.nets[0].active = true;
    c.nets[1].exists = false;
    preflight_rule_networks(&c.facts, &c.options, &c.check);
    expect(&c.check, PREFLIGHT_CHECK_NETWORKS, PREFLIGHT_FAIL, "bridge br0 does not exist", NULL);

    /* Offline: defined there anyway, it only fails to start. */
    c.options.live = false;
    c.options.offline = true;
    preflight_rule_networks(&c.facts, &c.options, &c.check);
    expect(&c.check, PREFLIGHT_CHECK_NETWORKS, PREFLIGHT_WARN, "br0", NULL);
    c.options.offline = false;
    c.options.live = true;

    c.nets[1].exists = true;
    c.nets[1].checked = false;
    snprintf(c.nets[1].lookup_error, sizeof(c.nets[1].lookup_error),
             "labhost2: look up host interface br0: this function is not supported");
    preflight_rule_networks(&c.facts, &c.options, &c.check);
    expect(&c.check, PREFLIGHT_CHECK_NETWORKS, PREFLIGHT_WARN, "not supported", NULL);
    case_clear(&c);

    case_init(&c, no_cpu_guest);
    preflight_rule_networks(&c.facts, &c.options, &c.check);
    expect(&c.check, PREFLIGHT_CHECK_NETWORKS, PREFLIGHT_PASS, "no network", NULL);
    case_clear(&c);
}

/* ---- host devices ---------------------------------------------------------------- */

static void test_hostdev(void **state)
{
    (void)state;
    Case c;
    PreflightLimits limits;
    case_init(&c, plain_guest);
    preflight_rule_hostdev(&c.facts, &c.options, &c.check, &limits);
    expect(&c.check, PREFLIGHT_CHECK_HOSTDEV, PREFLIGHT_PASS, "no assigned PCI device", NULL);
    assert_false(limits.no_dirty_rate || limits.no_postcopy || limits.no_viommu);
    case_clear(&c);

    /* A VF: migrates, without what the CX-7 procedure rules out. */
    case_init(&c, vf_guest);
    preflight_rule_hostdev(&c.facts, &c.options, &c.check, &limits);
    expect(&c.check, PREFLIGHT_CHECK_HOSTDEV, PREFLIGHT_WARN, "PCI 0000:03:00.1", NULL);
    assert_non_null(strstr(c.check.why, "no dirty-rate measurement, no post-copy, no vIOMMU"));
    assert_true(limits.no_dirty_rate && limits.no_postcopy && limits.no_viommu);
    c.options.postcopy = true;
    preflight_rule_hostdev(&c.facts, &c.options, &c.check, &limits);
    expect(&c.check, PREFLIGHT_CHECK_HOSTDEV, PREFLIGHT_FAIL, "post-copy", "turn post-copy off");
    /* And the dirty-rate rule does not pretend to measure. */
    preflight_rule_dirty_rate(&c.facts, &c.options, &c.check);
    expect(&c.check, PREFLIGHT_CHECK_DIRTY_RATE, PREFLIGHT_WARN, "assigned VF", NULL);
    case_clear(&c);

    case_init(&c, vf_iommu_guest);
    preflight_rule_hostdev(&c.facts, &c.options, &c.check, &limits);
    expect(&c.check, PREFLIGHT_CHECK_HOSTDEV, PREFLIGHT_FAIL, "vIOMMU", "<iommu>");
    case_clear(&c);

    /* SCSI host devices cannot migrate at all; USB ones can. */
    case_init(&c, scsi_hostdev_guest);
    preflight_rule_hostdev(&c.facts, &c.options, &c.check, &limits);
    expect(&c.check, PREFLIGHT_CHECK_HOSTDEV, PREFLIGHT_FAIL, "type='scsi'", "detach");
    assert_false(limits.no_postcopy);
    case_clear(&c);
}

/* ---- hostname ----------------------------------------------------------------------- */

static void test_hostname(void **state)
{
    (void)state;
    Case c;
    case_init(&c, plain_guest);
    preflight_rule_hostname(&c.facts, &c.options, &c.check);
    expect(&c.check, PREFLIGHT_CHECK_HOSTNAME, PREFLIGHT_PASS, "resolves to 198.18.77.12", NULL);

    c.facts.hostname_loopback_only = true;
    snprintf(c.facts.hostname_address, sizeof(c.facts.hostname_address), "127.0.1.1");
    preflight_rule_hostname(&c.facts, &c.options, &c.check);
    expect(&c.check, PREFLIGHT_CHECK_HOSTNAME, PREFLIGHT_FAIL, "127.0.1.1 (loopback)",
           "--migrateuri tcp://198.18.77.12");

    c.facts.dest_hostname = "localhost.localdomain";
    preflight_rule_hostname(&c.facts, &c.options, &c.check);
    expect(&c.check, PREFLIGHT_CHECK_HOSTNAME, PREFLIGHT_FAIL, "requires an FQDN", "--migrateuri");

    c.facts.dest_hostname = "labhost2";
    c.facts.hostname_resolved = false;
    c.facts.hostname_loopback_only = false;
    c.facts.hostname_error = "Name or service not known";
    preflight_rule_hostname(&c.facts, &c.options, &c.check);
    expect(&c.check, PREFLIGHT_CHECK_HOSTNAME, PREFLIGHT_WARN, "source daemon (peer-to-peer)",
           "--migrateuri tcp://198.18.77.12");

    /* An explicit migrate URI makes the hostname irrelevant. */
    c.options.migrate_uri = strdup("tcp://10.1.1.2");
    preflight_rule_hostname(&c.facts, &c.options, &c.check);
    expect(&c.check, PREFLIGHT_CHECK_HOSTNAME, PREFLIGHT_PASS, "tcp://10.1.1.2", NULL);
    case_clear(&c);
}

/* ---- dirty rate ----------------------------------------------------------------------- */

static void test_precopy_model(void **state)
{
    (void)state;
    unsigned passes = 0;
    uint64_t eta = 0;
    /* An idle 256 MiB guest at 50 MiB/s: one full pass, then nothing left. */
    assert_true(preflight_precopy_converges(0.0, 50.0, 256ull << 20, 300, &passes, &eta));
    assert_int_equal(passes, 2);
    assert_in_range(eta, 5000, 5200);
    /* 8 MiB/s over 50: a few passes. */
    assert_true(preflight_precopy_converges(8.0, 50.0, 512ull << 20, 300, &passes, &eta));
    assert_in_range(passes, 3, 5);
    /* Dirtying faster than 90% of the link never converges. */
    assert_false(preflight_precopy_converges(100.0, 50.0, 512ull << 20, 300, &passes, &eta));
    assert_false(preflight_precopy_converges(46.0, 50.0, 512ull << 20, 300, NULL, NULL));
    /* A long allowed downtime makes a slow one fit sooner. */
    unsigned slow_passes = 0, relaxed_passes = 0;
    assert_true(preflight_precopy_converges(40.0, 50.0, 8ull << 30, 300, &slow_passes, NULL));
    assert_true(preflight_precopy_converges(40.0, 50.0, 8ull << 30, 5000, &relaxed_passes, NULL));
    assert_true(relaxed_passes < slow_passes);
    assert_false(preflight_precopy_converges(1.0, 0.0, 1u << 20, 300, NULL, NULL));
}

static void test_dirty_rate(void **state)
{
    (void)state;
    Case c;
    case_init(&c, plain_guest);
    c.options.bandwidth_mibs = 50;
    preflight_rule_dirty_rate(&c.facts, &c.options, &c.check);
    expect(&c.check, PREFLIGHT_CHECK_DIRTY_RATE, PREFLIGHT_PASS, "predicted to converge", NULL);
    assert_non_null(strstr(c.check.why, "sampled 2 s ago"));

    /* The lab's hot guest: ~100 MiB/s against 50. */
    c.facts.dirty_rate_mibs = 100.0;
    preflight_rule_dirty_rate(&c.facts, &c.options, &c.check);
    expect(&c.check, PREFLIGHT_CHECK_DIRTY_RATE, PREFLIGHT_FAIL, "not to converge",
           "enable post-copy");
    assert_non_null(strstr(c.check.fix, "auto-converge"));
    assert_non_null(strstr(c.check.fix, "above 112 MiB/s"));

    /* Post-copy enabled: it launches, and will need the switch. */
    c.options.postcopy = true;
    preflight_rule_dirty_rate(&c.facts, &c.options, &c.check);
    expect(&c.check, PREFLIGHT_CHECK_DIRTY_RATE, PREFLIGHT_WARN, "post-copy is enabled", NULL);
    c.options.postcopy = false;

    /* Converging, slowly. */
    c.facts.dirty_rate_mibs = 30.0;
    preflight_rule_dirty_rate(&c.facts, &c.options, &c.check);
    expect(&c.check, PREFLIGHT_CHECK_DIRTY_RATE, PREFLIGHT_WARN, "predicted to converge",
           "auto-converge");

    /* No cap: judged against a 1 GbE link. */
    c.options.bandwidth_mibs = 0;
    c.facts.dirty_rate_mibs = 250.0;
    preflight_rule_dirty_rate(&c.facts, &c.options, &c.check);
    expect(&c.check, PREFLIGHT_CHECK_DIRTY_RATE, PREFLIGHT_FAIL, "1 GbE", NULL);

    c.facts.dirty_rate_known = false;
    c.facts.dirty_rate_error = "labhost1: measure dirty rate of web-1: domain is not running";
    preflight_rule_dirty_rate(&c.facts, &c.options, &c.check);
    expect(&c.check, PREFLIGHT_CHECK_DIRTY_RATE, PREFLIGHT_WARN, "not running", "run the checks");

    c.options.live = false;
    c.options.offline = true;
    preflight_rule_dirty_rate(&c.facts, &c.options, &c.check);
    expect(&c.check, PREFLIGHT_CHECK_DIRTY_RATE, PREFLIGHT_PASS, "offline", NULL);
    case_clear(&c);

    /* Under the link but too slow for the downtime: a downtime that fits. */
    static const char big_guest[] =
        "<domain type='kvm'><name>big</name><memory unit='GiB'>64</memory>"
        "<os><type arch='x86_64'>hvm</type></os></domain>";
    case_init(&c, big_guest);
    c.options.bandwidth_mibs = 50;
    c.facts.dirty_rate_mibs = 44.0;
    preflight_rule_dirty_rate(&c.facts, &c.options, &c.check);
    expect(&c.check, PREFLIGHT_CHECK_DIRTY_RATE, PREFLIGHT_FAIL, "not to converge",
           "raise max downtime");
    case_clear(&c);
}

/* ---- all together ------------------------------------------------------------------------ */

static void test_evaluate_all(void **state)
{
    (void)state;
    Case c;
    case_init(&c, plain_guest);
    PreflightCheck checks[PREFLIGHT_CHECK_COUNT];
    PreflightLimits limits;
    bool copy_needed = true;
    preflight_rules_evaluate(&c.facts, &c.options, checks, &limits, &copy_needed);
    for (size_t i = 0; i < PREFLIGHT_CHECK_COUNT; i++) {
        assert_int_equal(checks[i].id, (PreflightCheckId)i);
        if (checks[i].status != PREFLIGHT_PASS) {
            char line[600];
            preflight_check_format(&checks[i], line, sizeof(line));
            fail_msg("not a pass on a clean migration: %s", line);
        }
        assert_string_not_equal(preflight_check_name(checks[i].id), "?");
    }
    assert_false(copy_needed);

    char line[600];
    preflight_check_format(&checks[PREFLIGHT_CHECK_MEMORY], line, sizeof(line));
    assert_int_equal(strncmp(line, "pass    memory: ", 16), 0);
    c.facts.dest_free_memory_bytes = 1;
    preflight_rules_evaluate(&c.facts, &c.options, checks, &limits, &copy_needed);
    preflight_check_format(&checks[PREFLIGHT_CHECK_MEMORY], line, sizeof(line));
    assert_int_equal(strncmp(line, "FAIL    memory: ", 16), 0);
    assert_non_null(strstr(line, " -> free memory"));
    /* A small buffer is cut, never overrun. */
    char small[12];
    preflight_check_format(&checks[PREFLIGHT_CHECK_MEMORY], small, sizeof(small));
    assert_int_equal(strlen(small), sizeof(small) - 1);

    assert_true(preflight_pool_type_is_shared("netfs"));
    assert_true(preflight_pool_type_is_shared("rbd"));
    assert_false(preflight_pool_type_is_shared("dir"));
    assert_false(preflight_pool_type_is_shared("logical"));
    assert_false(preflight_pool_type_is_shared(NULL));
    case_clear(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_destination),
        cmocka_unit_test(test_versions),
        cmocka_unit_test(test_cpu),
        cmocka_unit_test(test_memory),
        cmocka_unit_test(test_name),
        cmocka_unit_test(test_storage_shared_and_network),
        cmocka_unit_test(test_storage_private_disk),
        cmocka_unit_test(test_storage_readonly_copy_and_offline),
        cmocka_unit_test(test_disk_cache),
        cmocka_unit_test(test_networks),
        cmocka_unit_test(test_hostdev),
        cmocka_unit_test(test_hostname),
        cmocka_unit_test(test_precopy_model),
        cmocka_unit_test(test_dirty_rate),
        cmocka_unit_test(test_evaluate_all),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
