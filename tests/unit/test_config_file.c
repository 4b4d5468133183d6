/* virtmig.conf: reading a key, atomic replacement that keeps other lines,
 * creating the directory, and clear errors for unusable paths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "config_file.h"

static char directory[256];

static int setup(void **state)
{
    (void)state;
    snprintf(directory, sizeof directory, "/tmp/virtmig-test-config-XXXXXX");
    return mkdtemp(directory) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char command[512];
    snprintf(command, sizeof command, "rm -rf '%s'", directory);
    return system(command) == 0 ? 0 : -1;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    static char buffer[4096];
    size_t n = fread(buffer, 1, sizeof buffer - 1, f);
    fclose(f);
    buffer[n] = '\0';
    return buffer;
}

static void test_missing_file_and_key(void **state)
{
    (void)state;
    char path[512], *value = (char *)1, *error = NULL;
    snprintf(path, sizeof path, "%s/none/virtmig.conf", directory);
    assert_int_equal(config_file_get(path, "theme", &value, &error), 0);
    assert_null(value);
    assert_int_equal(config_file_get(NULL, "theme", &value, &error), 0);
}

static void test_set_creates_then_replaces_keeping_other_lines(void **state)
{
    (void)state;
    char path[512], *value = NULL, *error = NULL;
    snprintf(path, sizeof path, "%s/sub/dir/virtmig.conf", directory);
    assert_int_equal(config_file_set(path, "theme", "light", &error), 0);
    assert_null(error);
    assert_int_equal(config_file_get(path, "theme", &value, &error), 1);
    assert_string_equal(value, "light");
    free(value);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);

    FILE *f = fopen(path, "w");
    fputs("# mine\n  theme =  old  \nrefresh = 500\ntheme = older\n", f);
    fclose(f);
    assert_int_equal(config_file_get(path, "theme", &value, &error), 1);
    assert_string_equal(value, "old");   /* trimmed, first wins */
    free(value);
    assert_int_equal(config_file_set(path, "theme", "high-contrast", &error), 0);
    assert_string_equal(slurp(path), "# mine\ntheme = high-contrast\nrefresh = 500\n");
    /* themes is not theme: a longer key must not match. */
    assert_int_equal(config_file_get(path, "them", &value, &error), 0);
    /* No temporary file is left behind. */
    char command[600];
    snprintf(command, sizeof command, "ls '%s/sub/dir' | grep -q tmp", directory);
    assert_int_not_equal(system(command), 0);
}

static void test_unwritable_path_says_why(void **state)
{
    (void)state;
    char path[512], *error = NULL;
    /* A regular file where a directory should be. */
    snprintf(path, sizeof path, "%s/blocker", directory);
    FILE *f = fopen(path, "w");
    fclose(f);
    snprintf(path, sizeof path, "%s/blocker/virtmig.conf", directory);
    assert_int_equal(config_file_set(path, "theme", "x", &error), -1);
    assert_non_null(error);
    assert_non_null(strstr(error, path));
    free(error);
    error = NULL;
    assert_int_equal(config_file_set(NULL, "theme", "x", &error), -1);
    assert_non_null(strstr(error, "XDG_CONFIG_HOME"));
    free(error);
}

static void test_default_path(void **state)
{
    (void)state;
    setenv("XDG_CONFIG_HOME", "/x/cfg", 1);
    char *path = config_file_default_path();
    assert_string_equal(path, "/x/cfg/virtmig/virtmig.conf");
    free(path);
    unsetenv("XDG_CONFIG_HOME");
    setenv("HOME", "/home/op", 1);
    path = config_file_default_path();
    assert_string_equal(path, "/home/op/.config/virtmig/virtmig.conf");
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_missing_file_and_key),
        cmocka_unit_test(test_set_creates_then_replaces_keeping_other_lines),
        cmocka_unit_test(test_unwritable_path_says_why),
        cmocka_unit_test(test_default_path),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
