/* libvirt's errors as virtmig shows them (core/libvirt_error.c): what we were
 * doing, then libvirt's own message. The error is provoked in libvirt's
 * library itself (a NULL domain), no daemon involved. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "libvirt_error.h"

/* A libvirt call that fails in the library itself: no domain given. */
static void provoke_libvirt_error(void)
{
    assert_null(virDomainGetName(NULL));
}

static void test_message_has_context_and_libvirt_text(void **state)
{
    (void)state;
    libvirt_error_install_quiet_handler();
    provoke_libvirt_error();
    assert_int_equal(libvirt_error_code(), VIR_ERR_INVALID_DOMAIN);
    const char *libvirt_text = virGetLastErrorMessage();
    char *text = libvirt_error_message("labhost1: migrate %s", "steady");
    assert_non_null(text);
    assert_int_equal(strncmp(text, "labhost1: migrate steady: ", 26), 0);
    assert_string_equal(text + 26, libvirt_text);
    free(text);

    text = libvirt_error_message(NULL);
    assert_string_equal(text, virGetLastErrorMessage());
    free(text);
}

static void test_set_returns_minus_one(void **state)
{
    (void)state;
    provoke_libvirt_error();
    char *error = NULL;
    assert_int_equal(libvirt_error_set(&error, "abort %s", "hot"), -1);
    assert_non_null(strstr(error, "abort hot: "));
    assert_non_null(strstr(error, "invalid domain"));
    free(error);
    assert_int_equal(libvirt_error_set(NULL, "ignored"), -1);

    assert_int_equal(error_set(&error, "journal %s: %s", "/x", "full"), -1);
    assert_string_equal(error, "journal /x: full");
    free(error);
    assert_int_equal(error_set(NULL, "ignored"), -1);
}

static void test_no_recorded_error_is_said_plainly(void **state)
{
    (void)state;
    virResetLastError();
    assert_int_equal(libvirt_error_code(), VIR_ERR_OK);
    char *text = libvirt_error_message("labhost2: resume %s", "idle");
    assert_non_null(strstr(text, "labhost2: resume idle: "));
    assert_non_null(strstr(text, "without an error message"));
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_message_has_context_and_libvirt_text),
        cmocka_unit_test(test_set_returns_minus_one),
        cmocka_unit_test(test_no_recorded_error_is_said_plainly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
