/* hosts_conf: the file format, URI checks, ssh normalization and -c names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "hosts_conf.h"

static void assert_problem(const HostsConf *conf, size_t index, const char *prefix,
                           const char *part)
{
    if (index >= conf->problem_count)
        fail_msg("expected problem %zu ('%s'), have %zu", index, part, conf->problem_count);
    const char *text = conf->problems[index];
    if (strncmp(text, prefix, strlen(prefix)) != 0 || !strstr(text, part))
        fail_msg("problem '%s' does not start with '%s' and hold '%s'", text, prefix, part);
    /* Every message says how to fix it, after a ';'. */
    if (!strchr(text, ';'))
        fail_msg("problem '%s' gives no fix", text);
}

static void test_good_file(void **state)
{
    (void)state;
    HostsConf conf = { 0 };
    const char *text =
        "# name      libvirt URI\n"
        "\n"
        "labhost1    qemu+tcp://198.18.77.11/system\n"
        "   \t\n"
        "  labhost2\tqemu+tcp://198.18.77.12:16509/system   # trailing comment\n"
        "local       qemu:///system   \n"
        "prod-a      qemu+ssh://root@prod-a.example/system?keyfile=/root/.ssh/id_ed25519\n"
        "v6          qemu+tls://[fd00::1]:16514/system\n"
        "listing     test:///default\n"
        "nodefile    test+tcp://198.18.77.11/tmp/lab/node.xml";    /* no final newline */
    assert_int_equal(hosts_conf_parse(&conf, text, "hosts.conf"), 0);
    for (size_t i = 0; i < conf.problem_count; i++)
        print_error("unexpected problem: %s\n", conf.problems[i]);
    assert_int_equal(conf.problem_count, 0);
    assert_int_equal(conf.host_count, 7);
    assert_string_equal(conf.hosts[0].name, "labhost1");
    assert_string_equal(conf.hosts[0].uri, "qemu+tcp://198.18.77.11/system");
    assert_string_equal(conf.hosts[1].name, "labhost2");
    assert_string_equal(conf.hosts[1].uri, "qemu+tcp://198.18.77.12:16509/system");
    assert_string_equal(conf.hosts[2].uri, "qemu:///system");
    /* ssh gets no_tty=1 so it never prompts on the console's screen. */
    assert_string_equal(conf.hosts[3].uri,
                        "qemu+ssh://root@prod-a.example/system?keyfile=/root/.ssh/id_ed25519"
                        "&no_tty=1");
    assert_string_equal(conf.hosts[4].uri, "qemu+tls://[fd00::1]:16514/system");
    assert_string_equal(conf.hosts[5].uri, "test:///default");
    assert_string_equal(conf.hosts[6].name, "nodefile");
    hosts_conf_clear(&conf);
    assert_int_equal(conf.host_count, 0);
    assert_null(conf.hosts);
    hosts_conf_clear(&conf);
    hosts_conf_clear(NULL);
}

static void test_crlf_and_empty(void **state)
{
    (void)state;
    HostsConf conf = { 0 };
    assert_int_equal(hosts_conf_parse(&conf, "a qemu:///system\r\n# c\r\n\r\nb qemu:///session\r\n",
                                      "win.conf"), 0);
    assert_int_equal(conf.problem_count, 0);
    assert_int_equal(conf.host_count, 2);
    assert_string_equal(conf.hosts[0].uri, "qemu:///system");
    assert_string_equal(conf.hosts[1].uri, "qemu:///session");
    assert_int_equal(hosts_conf_parse(&conf, "", "empty"), 0);
    assert_int_equal(hosts_conf_parse(&conf, NULL, "null"), 0);
    assert_int_equal(conf.host_count, 2);
    assert_int_equal(hosts_conf_parse(NULL, "a qemu:///system", "x"), -1);
    hosts_conf_clear(&conf);
}

static void test_bad_lines(void **state)
{
    (void)state;
    HostsConf conf = { 0 };
    const char *text =
        "good qemu+tcp://h1/system\n"                          /* 1 */
        "lonely\n"                                             /* 2 */
        "qemu+tcp://h2/system\n"                               /* 3 */
        "good qemu+tcp://h3/system\n"                          /* 4 duplicate */
        "x qemu+tcp://h4/system extra\n"                       /* 5 */
        "bad/name qemu+tcp://h5/system\n"                      /* 6 */
        "y xen+ssh://h6/system\n"                              /* 7 */
        "z qemu+carrier://h7/system\n"                         /* 8 */
        "w qemu+tcp://h8/\n"                                   /* 9 */
        "v qemu+tcp:///system\n"                               /* 10 */
        "u qemu+tcp://h9:99999/system\n"                       /* 11 */
        "t qemu+tcp://h9:ab/system\n"                          /* 12 */
        "s test://\n"                                          /* 13 */
        "r qemu:/system\n"                                     /* 14 */
        "qemu:///system q\n"                                   /* 15 swapped */
        "p qemu+tls://[fd00::1/system\n"                       /* 16 */
        "o qemu+tcp://h:/system\n"                             /* 17 */
        "n qemu:///system?\n"                                  /* 18 */
        "still-good qemu+ssh://h10/system?no_tty=0\n";         /* 19 */
    assert_int_equal(hosts_conf_parse(&conf, text, "h.conf"), 0);
    assert_int_equal(conf.host_count, 2);
    assert_string_equal(conf.hosts[0].name, "good");
    assert_string_equal(conf.hosts[1].name, "still-good");
    /* An explicit no_tty is the operator's choice and stays. */
    assert_string_equal(conf.hosts[1].uri, "qemu+ssh://h10/system?no_tty=0");
    size_t i = 0;
    assert_problem(&conf, i++, "h.conf:2: ", "host 'lonely' has no URI");
    assert_problem(&conf, i++, "h.conf:3: ", "has no name");
    assert_problem(&conf, i++, "h.conf:4: ", "'good' is already used");
    assert_problem(&conf, i++, "h.conf:5: ", "unexpected text 'extra'");
    assert_problem(&conf, i++, "h.conf:6: ", "only letters, digits");
    assert_problem(&conf, i++, "h.conf:7: ", "unknown driver");
    assert_problem(&conf, i++, "h.conf:8: ", "unknown transport");
    assert_problem(&conf, i++, "h.conf:9: ", "must end in /system");
    assert_problem(&conf, i++, "h.conf:10: ", "names no host");
    assert_problem(&conf, i++, "h.conf:11: ", "above 65535");
    assert_problem(&conf, i++, "h.conf:12: ", "not a number");
    assert_problem(&conf, i++, "h.conf:13: ", "test URI needs a path");
    assert_problem(&conf, i++, "h.conf:14: ", "no '://'");
    assert_problem(&conf, i++, "h.conf:15: ", "the name comes first; write 'q qemu:///system'");
    assert_problem(&conf, i++, "h.conf:16: ", "closing ']'");
    assert_problem(&conf, i++, "h.conf:17: ", "port after ':' in the URI is empty");
    assert_problem(&conf, i++, "h.conf:18: ", "no parameters");
    assert_int_equal(conf.problem_count, i);
    hosts_conf_clear(&conf);
}

static void test_merge_sources(void **state)
{
    (void)state;
    HostsConf conf = { 0 };
    assert_int_equal(hosts_conf_parse(&conf, "labhost1 qemu+tcp://198.18.77.11/system\n",
                                      "lab/hosts.conf"), 0);
    assert_int_equal(hosts_conf_parse(&conf, "labhost1 qemu+tcp://10.0.0.1/system\n",
                                      "/etc/virtmig/hosts"), 0);
    assert_int_equal(conf.host_count, 1);
    assert_problem(&conf, 0, "/etc/virtmig/hosts:1: ", "already used");
    hosts_conf_clear(&conf);
}

static void test_check_uri(void **state)
{
    (void)state;
    static const char *const good[] = {
        "qemu:///system", "qemu:///session", "qemu+unix:///system",
        "qemu+unix:///system?socket=/run/lab1/libvirt/libvirt-sock",
        "qemu+tcp://h/system", "qemu+tls://h:16514/system", "qemu+ssh://u@h/system",
        "qemu+libssh2://u@h:2222/system?known_hosts=/k", "qemu+libssh://h/system",
        "test:///default", "test:///abs/node.xml", "test+tcp://h/abs/node.xml",
        "qemu+tcp://[::1]/system",
    };
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        const char *reason = hosts_conf_check_uri(good[i]);
        if (reason)
            fail_msg("'%s' refused: %s", good[i], reason);
    }
    static const struct { const char *uri; const char *part; } bad[] = {
        { NULL, "empty" }, { "", "empty" }, { "qemu:///sys tem", "space" },
        { "qemu:///system\t", "control" }, { "lxc:///system", "unknown driver" },
        { "qemu+ext:///system", "unknown transport" }, { "qemu:///", "must end in /system" },
        { "qemu:///systemd", "must end in /system" }, { "qemu+ssh:///system", "no host" },
        { "test:///", "test URI needs" }, { "test:default", "no '://'" },
        { "qemu+tcp://h:0/system", "is 0" }, { "qemu+tcp://[::1]x/system", "only :PORT" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        const char *reason = hosts_conf_check_uri(bad[i].uri);
        if (!reason || !strstr(reason, bad[i].part))
            fail_msg("'%s': got '%s', expected '%s'", bad[i].uri ? bad[i].uri : "(null)",
                     reason ? reason : "(accepted)", bad[i].part);
    }
}

static void test_normalize(void **state)
{
    (void)state;
    static const struct { const char *in, *out; } cases[] = {
        { "qemu+ssh://h/system", "qemu+ssh://h/system?no_tty=1" },
        { "qemu+ssh://u@h:22/system?keyfile=/k", "qemu+ssh://u@h:22/system?keyfile=/k&no_tty=1" },
        { "qemu+ssh://h/system?no_tty=1", "qemu+ssh://h/system?no_tty=1" },
        { "qemu+ssh://h/system?a=1&no_tty", "qemu+ssh://h/system?a=1&no_tty" },
        /* a key that merely ends in no_tty is another key */
        { "qemu+ssh://h/system?xno_tty=1", "qemu+ssh://h/system?xno_tty=1&no_tty=1" },
        { "qemu+ssh://h/system#frag", "qemu+ssh://h/system?no_tty=1#frag" },
        { "test+ssh://h/tmp/n.xml", "test+ssh://h/tmp/n.xml?no_tty=1" },
        { "qemu+tcp://h/system", "qemu+tcp://h/system" },
        { "qemu+libssh2://h/system", "qemu+libssh2://h/system" },
        { "qemu:///system", "qemu:///system" },
        { "not a uri", "not a uri" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *out = hosts_conf_normalize_uri(cases[i].in);
        assert_non_null(out);
        assert_string_equal(out, cases[i].out);
        free(out);
    }
    assert_null(hosts_conf_normalize_uri(NULL));
}

static void test_add_uri(void **state)
{
    (void)state;
    HostsConf conf = { 0 };
    assert_int_equal(hosts_conf_parse(&conf, "h1 qemu+tcp://h1/system\n", "f"), 0);
    assert_int_equal(hosts_conf_add_uri(&conf, "qemu+tcp://h1/system", NULL), 0);
    assert_int_equal(hosts_conf_add_uri(&conf, "qemu+tcp://h1:16509/system", NULL), 0);
    assert_int_equal(hosts_conf_add_uri(&conf, "qemu:///system", NULL), 0);
    assert_int_equal(hosts_conf_add_uri(&conf, "qemu+ssh://root@prod-a.example:22/system",
                                        NULL), 0);
    assert_int_equal(hosts_conf_add_uri(&conf, "qemu+tcp://[fd00::1]/system", NULL), 0);
    assert_int_equal(hosts_conf_add_uri(&conf, "qemu+tcp://h2/system", "mine"), 0);
    assert_int_equal(conf.problem_count, 0);
    assert_int_equal(conf.host_count, 7);
    assert_string_equal(conf.hosts[1].name, "h1-2");
    assert_string_equal(conf.hosts[2].name, "h1-3");
    assert_string_equal(conf.hosts[3].name, "local");
    assert_string_equal(conf.hosts[4].name, "prod-a.example");
    assert_string_equal(conf.hosts[4].uri, "qemu+ssh://root@prod-a.example:22/system?no_tty=1");
    assert_string_equal(conf.hosts[5].name, "fd00--1");
    assert_string_equal(conf.hosts[6].name, "mine");

    assert_int_equal(hosts_conf_add_uri(&conf, "qemu+tcp://h3/system", "mine"), 0);
    assert_int_equal(hosts_conf_add_uri(&conf, "qemu+tcp://h3/system", "bad name"), 0);
    assert_int_equal(hosts_conf_add_uri(&conf, "qemu+tcp://h3", NULL), 0);
    assert_int_equal(hosts_conf_add_uri(&conf, NULL, NULL), 0);
    assert_int_equal(conf.host_count, 7);
    assert_problem(&conf, 0, "command line: ", "'mine' is already used");
    assert_problem(&conf, 1, "command line: 'bad name': ", "only letters");
    assert_problem(&conf, 2, "command line: 'qemu+tcp://h3': ", "must end in /system");
    assert_problem(&conf, 3, "command line: '': ", "empty");
    assert_int_equal(hosts_conf_add_uri(NULL, "qemu:///system", NULL), -1);
    hosts_conf_clear(&conf);
}

static void test_load_file(void **state)
{
    (void)state;
    HostsConf conf = { 0 };
    assert_int_equal(hosts_conf_load_file(&conf, "/nonexistent/virtmig/hosts.conf"), 0);
    assert_int_equal(conf.problem_count, 0);

    char path[] = "/tmp/virtmig-test-hosts-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *text = "a qemu:///system\nb nope\n";
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    assert_int_equal(hosts_conf_load_file(&conf, path), 0);
    assert_int_equal(conf.host_count, 1);
    assert_int_equal(conf.problem_count, 1);
    char prefix[64];
    snprintf(prefix, sizeof(prefix), "%s:2: ", path);
    assert_problem(&conf, 0, prefix, "no '://'");
    unlink(path);

    /* A directory cannot be read as a file: one clear problem. */
    assert_int_equal(hosts_conf_load_file(&conf, "/tmp"), 0);
    assert_int_equal(conf.problem_count, 2);
    assert_problem(&conf, 1, "/tmp: ", "cannot read it");
    assert_int_equal(hosts_conf_load_file(&conf, NULL), -1);
    hosts_conf_clear(&conf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_file),
        cmocka_unit_test(test_crlf_and_empty),
        cmocka_unit_test(test_bad_lines),
        cmocka_unit_test(test_merge_sources),
        cmocka_unit_test(test_check_uri),
        cmocka_unit_test(test_normalize),
        cmocka_unit_test(test_add_uri),
        cmocka_unit_test(test_load_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
