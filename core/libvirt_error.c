/* libvirt's errors, as virtmig shows them: see libvirt_error.h. */
#include "libvirt_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

/* libvirt calls this for every error instead of printing it on stderr, which
 * would land in the middle of the curses screen. The error stays recorded per
 * thread, so the caller still reads it with virGetLastErrorMessage(). */
static void quiet_error_handler(void *opaque, virErrorPtr error)
{
    (void)opaque;
    (void)error;
}

void libvirt_error_install_quiet_handler(void)
{
    virSetErrorFunc(NULL, quiet_error_handler);
}

int libvirt_error_code(void)
{
    return virGetLastErrorCode();
}

/* Formats "<context>: <message>" (or just message) into a new string. */
static char *join_context(const char *context_format, va_list args, const char *message)
{
    char *context = NULL;
    char *text = NULL;
    if (context_format && vasprintf(&context, context_format, args) < 0)
        return NULL;
    int n = context ? asprintf(&text, "%s: %s", context, message)
                    : asprintf(&text, "%s", message);
    free(context);
    return n < 0 ? NULL : text;
}

static const char *last_message(void)
{
    /* virGetLastErrorMessage() answers "no error" when nothing was recorded;
     * say something the operator can act on instead. */
    if (virGetLastErrorCode() == VIR_ERR_OK)
        return "libvirt reported a failure without an error message "
               "(see the host's libvirtd log)";
    return virGetLastErrorMessage();
}

char *libvirt_error_message(const char *context_format, ...)
{
    va_list args;
    va_start(args, context_format);
    char *text = join_context(context_format, args, last_message());
    va_end(args);
    return text;
}

int libvirt_error_set(char **error, const char *context_format, ...)
{
    if (!error)
        return -1;
    va_list args;
    va_start(args, context_format);
    *error = join_context(context_format, args, last_message());
    va_end(args);
    return -1;
}

int error_set(char **error, const char *format, ...)
{
    if (!error)
        return -1;
    va_list args;
    va_start(args, format);
    if (vasprintf(error, format, args) < 0)
        *error = NULL;
    va_end(args);
    return -1;
}
