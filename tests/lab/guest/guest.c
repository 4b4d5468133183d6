/* The lab's guest workload: a freestanding multiboot kernel that dirties
 * memory at a chosen rate, so live migrations see realistic dirty-page rates
 * without an OS image.
 *
 * Command line (from the domain's <cmdline>), all optional:
 *   mib=N    size of the region to dirty, in MiB (0 = write nothing: idle)
 *   rate=N   pages written per second (0 = as fast as the CPU can)
 *
 * One byte per 4 KiB page is written in a sweep over the region, so the dirty
 * rate is rate x 4 KiB. A rate-limited guest writes each tick's share
 * on the PIT tick and sleeps in `hlt` between ticks: on a small host, the
 * lab's guests must not burn a core each (see boot.S for how the tick is
 * taken without `iret`). An idle guest sleeps with
 * interrupts off forever. Progress lines go to COM1. */
#include <stdint.h>

#define REGION_START   0x00400000u  /* 4 MiB: above the kernel, stack and mbi */
#define PAGE_SIZE      4096u
#define TICK_HZ        250u         /* each tick costs host CPU when emulated */
#define PIT_HZ         1193182u
#define MAX_CATCH_UP   25u          /* ticks: after a pause, do not burst */
#define COM1           0x3F8

typedef struct {
    uint32_t flags;
    uint32_t mem_lower;             /* KiB below 1 MiB */
    uint32_t mem_upper;             /* KiB above 1 MiB */
    uint32_t boot_device;
    uint32_t cmdline;               /* physical address of a C string */
} MultibootInfo;

#define MBI_FLAG_MEMORY  (1u << 0)
#define MBI_FLAG_CMDLINE (1u << 2)
#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002u

typedef struct __attribute__((packed)) {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t zero;
    uint8_t type_attr;
    uint16_t offset_high;
} IdtGate;

typedef struct __attribute__((packed)) {
    uint16_t limit;
    uint32_t base;
} IdtDescriptor;

volatile uint32_t guest_ticks;      /* incremented by timer_isr (boot.S) */
void wait_for_tick(void);           /* sti; hlt; returns with interrupts off */
void timer_isr(void);
void spurious_isr(void);
void fault_isr(void);

static IdtGate idt[256];

static inline void outb(uint16_t port, uint8_t value)
{
    __asm__ volatile("outb %0, %1" : : "a"(value), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t value;
    __asm__ volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
    return value;
}

static void serial_init(void)
{
    outb(COM1 + 1, 0x00);           /* no UART interrupts */
    outb(COM1 + 3, 0x80);           /* DLAB on */
    outb(COM1 + 0, 0x01);           /* 115200 baud */
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03);           /* 8N1 */
    outb(COM1 + 2, 0xC7);           /* FIFO on */
}

static void serial_puts(const char *text)
{
    /* Bounded wait: with no UART present the status reads 0xFF and we go on. */
    for (; *text; text++) {
        for (int spin = 0; spin < 100000 && !(inb(COM1 + 5) & 0x20); spin++)
            ;
        outb(COM1, (uint8_t)*text);
    }
}

static void serial_put_uint(uint32_t value)
{
    char digits[11];
    int at = 10;
    digits[at] = '\0';
    do {
        digits[--at] = (char)('0' + value % 10);
        value /= 10;
    } while (value && at > 0);
    serial_puts(&digits[at]);
}

/* Reads "key=N" from the command line; returns fallback when absent. */
static uint32_t cmdline_number(const char *cmdline, const char *key, uint32_t fallback)
{
    if (!cmdline)
        return fallback;
    for (const char *at = cmdline; *at; at++) {
        if (at != cmdline && at[-1] != ' ')
            continue;
        const char *k = key, *c = at;
        while (*k && *c == *k) {
            k++;
            c++;
        }
        if (*k || *c != '=')
            continue;
        uint32_t value = 0;
        for (c++; *c >= '0' && *c <= '9'; c++)
            value = value * 10 + (uint32_t)(*c - '0');
        return value;
    }
    return fallback;
}

static void idt_set(unsigned vector, void (*handler)(void))
{
    uint32_t address = (uint32_t)handler;
    idt[vector].offset_low = (uint16_t)(address & 0xFFFF);
    idt[vector].selector = 0x08;
    idt[vector].zero = 0;
    idt[vector].type_attr = 0x8E;   /* present, ring 0, 32-bit interrupt gate */
    idt[vector].offset_high = (uint16_t)(address >> 16);
}

static void timer_start(void)
{
    for (unsigned vector = 0; vector < 256; vector++)
        idt_set(vector, fault_isr);
    idt_set(32, timer_isr);
    idt_set(39, spurious_isr);
    IdtDescriptor descriptor = { sizeof(idt) - 1, (uint32_t)idt };
    __asm__ volatile("lidt %0" : : "m"(descriptor));

    /* Remap the PICs to vectors 32..47 and unmask only IRQ0. */
    outb(0x20, 0x11); outb(0xA0, 0x11);
    outb(0x21, 0x20); outb(0xA1, 0x28);
    outb(0x21, 0x04); outb(0xA1, 0x02);
    outb(0x21, 0x01); outb(0xA1, 0x01);
    outb(0x21, 0xFE); outb(0xA1, 0xFF);

    uint32_t divisor = PIT_HZ / TICK_HZ;
    outb(0x43, 0x34);               /* channel 0, lobyte/hibyte, rate generator */
    outb(0x40, (uint8_t)(divisor & 0xFF));
    outb(0x40, (uint8_t)(divisor >> 8));
    /* Interrupts stay off: wait_for_tick() opens them only while halted. */
}

static __attribute__((noreturn)) void sleep_forever(void)
{
    for (;;)
        __asm__ volatile("cli; hlt");
}

static __attribute__((noreturn)) void write_as_fast_as_possible(volatile uint8_t *region,
                                                                uint32_t pages)
{
    /* A non-zero byte, so migration cannot send the page as a zero page. */
    for (uint8_t generation = 1;; generation = (uint8_t)(generation == 255 ? 1 : generation + 1))
        for (uint32_t page = 0; page < pages; page++)
            region[page * PAGE_SIZE] = generation;
}

static __attribute__((noreturn)) void write_at_rate(volatile uint8_t *region, uint32_t pages,
                                                    uint32_t pages_per_second)
{
    uint32_t next_page = 0, owed_millipages = 0, last_tick = guest_ticks;
    uint8_t generation = 1;

    for (;;) {
        uint32_t now = guest_ticks, elapsed = now - last_tick;
        if (elapsed == 0) {
            wait_for_tick();
            continue;
        }
        last_tick = now;
        if (elapsed > MAX_CATCH_UP)
            elapsed = MAX_CATCH_UP;
        owed_millipages += pages_per_second * elapsed;
        uint32_t due = owed_millipages / TICK_HZ;
        owed_millipages -= due * TICK_HZ;
        for (; due > 0; due--) {
            region[next_page * PAGE_SIZE] = generation;
            if (++next_page == pages) {
                next_page = 0;
                generation = (uint8_t)(generation == 255 ? 1 : generation + 1);
            }
        }
    }
}

void guest_main(uint32_t magic, const MultibootInfo *info)
{
    serial_init();
    const char *cmdline = 0;
    if (magic == MULTIBOOT_BOOTLOADER_MAGIC && (info->flags & MBI_FLAG_CMDLINE))
        cmdline = (const char *)info->cmdline;

    uint32_t mib = cmdline_number(cmdline, "mib", 0);
    uint32_t rate = cmdline_number(cmdline, "rate", 0);

    /* Never write past the end of RAM: clamp to what the loader reports. */
    if (magic == MULTIBOOT_BOOTLOADER_MAGIC && (info->flags & MBI_FLAG_MEMORY)) {
        uint32_t ram_end = 0x100000u + info->mem_upper * 1024u;
        uint32_t fit_mib = ram_end > REGION_START ? (ram_end - REGION_START) >> 20 : 0;
        if (mib > fit_mib)
            mib = fit_mib;
    }

    serial_puts("virtmig-guest: mib=");
    serial_put_uint(mib);
    serial_puts(" rate=");
    serial_put_uint(rate);
    serial_puts(" pages/s\n");

    if (mib == 0) {
        serial_puts("virtmig-guest: idle\n");
        sleep_forever();
    }
    volatile uint8_t *region = (volatile uint8_t *)REGION_START;
    uint32_t pages = mib * (1024u * 1024u / PAGE_SIZE);
    serial_puts("virtmig-guest: writing\n");
    if (rate == 0)
        write_as_fast_as_possible(region, pages);
    timer_start();
    write_at_rate(region, pages, rate);
}
