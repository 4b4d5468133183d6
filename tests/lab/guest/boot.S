/* Entry point of the lab's guest kernel.
 *
 * QEMU's multiboot loader (-kernel) finds the header below in the first 8 KiB
 * of the file, loads the ELF at 1 MiB and jumps to _start in 32-bit protected
 * mode with EAX = magic and EBX = the multiboot information (which holds the
 * command line). The multiboot spec leaves GDTR undefined, so we load our own
 * flat GDT before the IDT's gates refer to selector 0x08. We also load a task
 * register: without a valid TSS, VMX (notably nested KVM) treats the guest
 * state as invalid and emulates instructions, and its emulator cannot do a
 * protected-mode `iret`, so the guest would hang after its first interrupt. */

#define MULTIBOOT_MAGIC 0x1BADB002
#define MULTIBOOT_FLAGS 0x00000002  /* bit 1: please fill in the memory fields */

    .text
    .align 4
multiboot_header:                   /* kept first in .text: boot.o links first */
    .long MULTIBOOT_MAGIC
    .long MULTIBOOT_FLAGS
    .long -(MULTIBOOT_MAGIC + MULTIBOOT_FLAGS)

    .globl _start
_start:
    cli
    movl $stack_top, %esp
    movl $tss, %ecx                 /* patch the TSS base into its descriptor */
    movw %cx, gdt_tss + 2
    shrl $16, %ecx
    movb %cl, gdt_tss + 4
    movb %ch, gdt_tss + 7
    lgdt gdt_descriptor
    ljmp $0x08, $reload_segments
reload_segments:
    movw $0x10, %cx
    movw %cx, %ds
    movw %cx, %es
    movw %cx, %fs
    movw %cx, %gs
    movw %cx, %ss
    movw $0x18, %cx
    ltr %cx
    pushl %ebx                      /* multiboot information */
    pushl %eax                      /* multiboot magic */
    call guest_main
halt_forever:
    cli
    hlt
    jmp halt_forever

/* Sleeps until the next PIT tick. The guest runs with interrupts off except
 * inside this `sti; hlt`, so an interrupt can only arrive here, and its
 * handler returns to after_hlt by a plain jump instead of `iret`. Why: where
 * KVM emulates a non-paged guest's instructions (nested or PVM hosts, seen on
 * the lab machine: "INTERNAL_ERROR in batch emul" in dmesg), its emulator
 * handles `iret` only in real mode, and the guest would hang after its first
 * interrupt. If the interrupt lands between `sti` and `hlt`, we simply skip
 * the `hlt`. */
    .globl wait_for_tick
wait_for_tick:
    sti
    hlt
after_hlt:
    ret

/* IRQ0 (PIT): count the tick, acknowledge it at the master PIC, drop the
 * interrupt frame (EIP, CS, EFLAGS: IF stays clear) and resume after hlt. */
    .globl timer_isr
timer_isr:
    pushl %eax
    incl guest_ticks
    movb $0x20, %al
    outb %al, $0x20
    popl %eax
    addl $12, %esp
    jmp after_hlt

/* Spurious IRQ7 from the master PIC: no EOI is owed. */
    .globl spurious_isr
spurious_isr:
    addl $12, %esp
    jmp after_hlt

/* Any CPU exception is a bug in this kernel: stop, so the host sees an idle
 * guest rather than a fault storm. */
    .globl fault_isr
fault_isr:
    cli
    hlt
    jmp fault_isr

    .data
    .align 8
gdt:
    .quad 0x0000000000000000        /* null */
    .quad 0x00CF9A000000FFFF        /* 0x08: flat 4 GiB code, ring 0 */
    .quad 0x00CF92000000FFFF        /* 0x10: flat 4 GiB data, ring 0 */
gdt_tss:                            /* 0x18: 32-bit TSS, base patched at boot */
    .word 103, 0
    .byte 0, 0x89, 0x00, 0
gdt_end:
gdt_descriptor:
    .word gdt_end - gdt - 1
    .long gdt

    .bss
    .align 16
stack_bottom:
    .skip 16384
stack_top:
    .align 16
tss:
    .skip 104
    .section .note.GNU-stack,"",@progbits
