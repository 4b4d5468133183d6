/* libvirt's errors, as virtmig shows them.
 *
 * libvirt prints every error on stderr unless an error function is installed;
 * that would scribble over the curses screen, so core installs a quiet one and
 * shows errors itself, always with libvirt's own message, prefixed with what we
 * were doing ("labhost1: migrate steady: <libvirt's message>"). */
#ifndef VIRTMIG_LIBVIRT_ERROR_H
#define VIRTMIG_LIBVIRT_ERROR_H

/* Makes libvirt silent (process-wide and for new threads). Call once before the
 * first connection; calling again is harmless. */
void libvirt_error_install_quiet_handler(void);

/* "<context>: <libvirt's last error message on this thread>", malloc'd, or NULL
 * only when out of memory. context is printf-style and may be NULL (then the
 * message alone). When libvirt recorded no error, the text says so rather than
 * leaving the operator with an empty message. */
char *libvirt_error_message(const char *context_format, ...)
    __attribute__((format(printf, 1, 2)));

/* libvirt's last error code on this thread (virErrorNumber), VIR_ERR_OK if none. */
int libvirt_error_code(void);

/* Stores libvirt_error_message(...) into *error when error is not NULL (freeing
 * nothing: *error must be NULL or unowned). Returns -1 so a caller can write
 * `return libvirt_error_set(error, "...", ...);`. */
int libvirt_error_set(char **error, const char *context_format, ...)
    __attribute__((format(printf, 2, 3)));

/* Same for our own (non-libvirt) messages: *error = formatted text. Returns -1. */
int error_set(char **error, const char *format, ...) __attribute__((format(printf, 2, 3)));

#endif
