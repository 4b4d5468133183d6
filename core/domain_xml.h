/* What virtmig needs to know from libvirt's XML documents, read with libxml2
 * and XPath: a domain definition, a host's capabilities, a storage pool.
 *
 * Pure: no libvirt call (core/ fetches the XML; validation, launch and the
 * pre-flight checks read it here). Every parse returns a plain structure the
 * caller owns and frees with the matching *_free(), which accepts NULL.
 * On failure *error gets a malloc'd message that names the document and, for
 * malformed XML, libxml2's line number and message, e.g.
 *   "/tmp/vm.xml:7: Opening and ending tag mismatch: memory line 6 and domain".
 *
 * Parsing is safe on untrusted input: no network access, no external entities,
 * no entity expansion. The functions may be called from any thread. */
#ifndef VIRTMIG_DOMAIN_XML_H
#define VIRTMIG_DOMAIN_XML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Files larger than this are refused rather than read (a domain XML is a few KiB). */
#define DOMAIN_XML_MAX_FILE_BYTES (16u * 1024u * 1024u)

typedef struct _DomainDisk DomainDisk;
struct _DomainDisk {
    char *target_dev;       /* <target dev='vda'/> */
    char *target_bus;       /* virtio, sata, scsi... or NULL */
    char *device;           /* disk, cdrom, floppy, lun (libvirt's default: disk) */
    char *source_type;      /* <disk type=...>: file, block, network, volume, dir (default file) */
    char *source_file;      /* type file: <source file=.../> or NULL (empty cdrom) */
    char *source_dev;       /* type block: <source dev=.../> */
    char *source_protocol;  /* type network: nbd, rbd, iscsi, gluster... */
    char *source_name;      /* type network: the image/export name; type volume: the volume */
    char *source_pool;      /* type volume: the pool name */
    char *source_host;      /* type network: first <host name=...>, or NULL */
    char *source_port;      /* type network: first <host port=...>, or NULL */
    char *driver_type;      /* <driver type='qcow2'/> raw, qcow2... or NULL */
    char *cache_mode;       /* <driver cache=.../> none, writeback... or NULL (hypervisor default) */
    bool readonly;          /* <readonly/> */
    bool shareable;         /* <shareable/> */
};

typedef struct _DomainInterface DomainInterface;
struct _DomainInterface {
    char *type;             /* network, bridge, direct, user, ethernet... */
    char *source;           /* the network's or bridge's (or direct device's) name, or NULL */
    char *mac;              /* <mac address=.../> or NULL */
    char *model;            /* <model type=.../> or NULL */
};

typedef struct _DomainHostdev DomainHostdev;
struct _DomainHostdev {
    char *type;             /* pci, usb, scsi, mdev... */
    bool has_pci_address;   /* the fields below are set (type pci with a source address) */
    unsigned pci_domain, pci_bus, pci_slot, pci_function;
    char pci_address[16];   /* "0000:03:00.1", empty when !has_pci_address */
};

typedef struct _DomainXmlInfo DomainXmlInfo;
struct _DomainXmlInfo {
    char *name;
    char *uuid;             /* or NULL when the XML has none (libvirt then makes one) */
    char *type;             /* <domain type=...>: kvm, qemu... */
    uint64_t memory_kib;    /* <memory>, converted from its unit */
    uint64_t current_memory_kib;  /* <currentMemory>, or memory_kib when absent */
    unsigned vcpus;         /* <vcpu> maximum */
    unsigned vcpus_current; /* <vcpu current=...>, or vcpus */
    char *os_type;          /* hvm... */
    char *os_arch;          /* x86_64... or NULL */
    char *os_machine;       /* pc-q35-7.2... or NULL */
    char *cpu_mode;         /* <cpu mode=...>: host-passthrough, host-model, custom; or NULL */
    char *cpu_model;        /* <cpu><model> text or NULL */
    /* The <cpu> element serialised as XML (for virConnectCompareHypervisorCPU),
     * or NULL when the domain has none. */
    char *cpu_xml;
    DomainDisk *disks;             size_t disk_count;
    DomainInterface *interfaces;   size_t interface_count;
    DomainHostdev *hostdevs;       size_t hostdev_count;
    bool has_iommu;         /* <devices><iommu> present */
};

/* `source` names the document in error messages ("destination XML", a path). */
int domain_xml_parse_string(const char *xml, const char *source, DomainXmlInfo **out,
                            char **error);
/* Reads the file (at most DOMAIN_XML_MAX_FILE_BYTES) and parses it. */
int domain_xml_parse_file(const char *path, DomainXmlInfo **out, char **error);
void domain_xml_free(DomainXmlInfo *info);

/* The disk with that target name, or NULL. */
const DomainDisk *domain_xml_find_disk(const DomainXmlInfo *info, const char *target_dev);

/* Whether a storage-copying migration (copy-storage-all/inc) copies this disk,
 * as libvirt chooses: with an explicit list (--migrate-disks), exactly the
 * disks named there; without one, every disk that has a source and is neither
 * read-only nor shareable (so an empty CD-ROM or a shared LUN stays). A listed
 * read-only disk counts as copied here, and libvirt then refuses the migration
 * ("copy of read-only disks is not supported"): a pre-flight check can say so. */
bool domain_xml_disk_is_copied(const DomainDisk *disk, char *const *migrate_disks,
                               size_t migrate_disks_count);

/* Returns a new document (malloc'd, the caller frees it) equal to `xml` with
 * /domain/name replaced by new_name, or NULL with *error. Used when a renamed
 * migration (dname) also carries a destination XML. */
char *domain_xml_rename(const char *xml, const char *new_name, char **error);

/* Reads a file whole (at most DOMAIN_XML_MAX_FILE_BYTES) into a NUL-terminated
 * malloc'd string. Returns NULL with *error ("cannot read X: <strerror>"). */
char *domain_xml_read_file(const char *path, char **error);

typedef struct _CapabilitiesInfo CapabilitiesInfo;
struct _CapabilitiesInfo {
    char *host_uuid;        /* /capabilities/host/uuid */
    char *arch;             /* /capabilities/host/cpu/arch */
    char *cpu_model;        /* /capabilities/host/cpu/model, or NULL */
    char *cpu_vendor;       /* /capabilities/host/cpu/vendor, or NULL */
    char **migration_transports;   /* uri_transport texts, e.g. "tcp", "rdma" */
    size_t migration_transport_count;
    bool live_migration;    /* <migration_features><live/> */
};

int capabilities_xml_parse(const char *xml, CapabilitiesInfo **out, char **error);
void capabilities_info_free(CapabilitiesInfo *info);

typedef struct _StoragePoolInfo StoragePoolInfo;
struct _StoragePoolInfo {
    char *name;
    char *type;             /* dir, fs, netfs, logical... */
    char *target_path;      /* /pool/target/path, or NULL */
};

int storage_pool_xml_parse(const char *xml, StoragePoolInfo **out, char **error);
void storage_pool_info_free(StoragePoolInfo *info);

#endif
