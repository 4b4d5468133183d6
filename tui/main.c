/* virtmig's entry point: parse the command line, gather the hosts, build the
 * engine, then run the console or one headless command.
 *
 * Hosts come from, merged in this order: --hosts FILE, --lab, each -c URI.
 * The default hosts file is read only when none of those is given, so
 * `virtmig --lab` never also connects to the operator's production hosts.
 * With no host at all: LIBVIRT_DEFAULT_URI, else a message saying how to add
 * one (exit 2). */
#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "cli_args.h"
#include "cmd.h"
#include "core.h"
#include "hosts_conf.h"

static void print_hosts_problems(const HostsConf *conf, size_t from)
{
    for (size_t i = from; i < conf->problem_count; i++)
        fprintf(stderr, "virtmig: %s\n", conf->problems[i]);
}

/* An explicitly named file must exist: hosts_conf_load_file() treats a
 * missing file as empty, which is right only for the default path. */
static int load_named_file(HostsConf *conf, const char *path, const char *what)
{
    if (access(path, R_OK) != 0) {
        fprintf(stderr, "virtmig: %s %s: cannot read it: %s\n", what, path, strerror(errno));
        return -1;
    }
    if (hosts_conf_load_file(conf, path) < 0) {
        fprintf(stderr, "virtmig: %s %s: out of memory\n", what, path);
        return -1;
    }
    return 0;
}

static int load_lab_hosts(HostsConf *conf)
{
    char error[256] = "";
    char *path = cli_lab_hosts_path(getenv("VIRTMIG_LAB_HOSTS"), getenv("LAB_INSTANCE"),
                                    error, sizeof(error));
    int rc = -1;
    if (!path) {
        fprintf(stderr, "virtmig: --lab: %s\n", error);
        return -1;
    }
    if (access(path, F_OK) != 0) {
        fprintf(stderr, "virtmig: the lab is not running: start it with 'make lab-up' "
                "(%s does not exist)\n", path);
        goto cleanup;
    }
    rc = load_named_file(conf, path, "--lab:");
cleanup:
    free(path);
    return rc;
}

/* Returns CMD_EXIT_OK with conf holding at least one host, else the status
 * to exit with (every problem already printed). */
static int gather_hosts(const CliArgs *args, HostsConf *conf)
{
    bool explicit_source = args->hosts_file || args->lab || args->connect_count > 0;

    if (args->hosts_file && load_named_file(conf, args->hosts_file, "--hosts") < 0)
        return CMD_EXIT_USAGE;
    if (args->lab && load_lab_hosts(conf) < 0)
        return CMD_EXIT_USAGE;
    print_hosts_problems(conf, 0);   /* file problems: reported, the rest still loads */

    for (size_t i = 0; i < args->connect_count; i++) {
        size_t before = conf->problem_count;
        if (hosts_conf_add_uri(conf, args->connect_uris[i], NULL) < 0) {
            fprintf(stderr, "virtmig: -c %s: out of memory\n", args->connect_uris[i]);
            return CMD_EXIT_USAGE;
        }
        if (conf->problem_count > before) {   /* a bad -c is a bad argument */
            print_hosts_problems(conf, before);
            return CMD_EXIT_USAGE;
        }
    }

    char *default_path = NULL;
    if (!explicit_source) {
        default_path = cli_default_hosts_path(getenv("XDG_CONFIG_HOME"), getenv("HOME"));
        size_t before = conf->problem_count;
        if (default_path && hosts_conf_load_file(conf, default_path) < 0) {
            fprintf(stderr, "virtmig: %s: out of memory\n", default_path);
            free(default_path);
            return CMD_EXIT_USAGE;
        }
        print_hosts_problems(conf, before);
    }

    if (conf->host_count == 0) {
        const char *default_uri = getenv("LIBVIRT_DEFAULT_URI");
        if (default_uri && default_uri[0]) {
            size_t before = conf->problem_count;
            if (hosts_conf_add_uri(conf, default_uri, NULL) < 0 || conf->problem_count > before) {
                print_hosts_problems(conf, before);
                fprintf(stderr, "virtmig: LIBVIRT_DEFAULT_URI='%s' is not usable: fix it, "
                        "or give hosts with -c URI\n", default_uri);
                free(default_path);
                return CMD_EXIT_USAGE;
            }
        } else {
            fprintf(stderr,
                    "virtmig: no hosts to connect to. Add one with -c URI (e.g. virtmig -c "
                    "qemu+ssh://root@host1/system), list them as 'NAME URI' lines in %s, "
                    "set LIBVIRT_DEFAULT_URI, or use --lab for the test lab\n",
                    explicit_source && args->hosts_file ? args->hosts_file
                    : default_path ? default_path : "$XDG_CONFIG_HOME/virtmig/hosts.conf");
            free(default_path);
            return CMD_EXIT_USAGE;
        }
    }
    free(default_path);
    return CMD_EXIT_OK;
}

static int run_with_core(const CliArgs *args, const HostsConf *conf)
{
    CmdStreams streams = { stdout, stderr };
    size_t source = 0, dest = 0;
    char *error = NULL;
    int status;

    /* Before the engine exists: bad migrate options never reach libvirt. */
    if (args->command == CLI_COMMAND_MIGRATE) {
        status = cmd_migrate_prepare(args, conf, &source, &dest, &streams);
        if (status != CMD_EXIT_OK)
            return status;
    }

    CoreConfig config = {
        .hosts = conf->hosts,
        .host_count = conf->host_count,
        .refresh_ms = args->refresh_ms,
        .journal_path = args->journal_path,
    };
    Core *core = core_new(&config, &error);
    if (!core) {
        fprintf(stderr, "virtmig: cannot start: %s\n", error ? error : "out of memory");
        free(error);
        return CMD_EXIT_FAILED;
    }

    switch (args->command) {
    case CLI_COMMAND_LIST:
        status = cmd_list(core, args, &streams);
        break;
    case CLI_COMMAND_MIGRATE:
        status = cmd_migrate(core, args, source, dest, &streams);
        break;
    case CLI_COMMAND_CONSOLE:
    default: {
        TuiOptions options = {
            .theme_name = args->theme,
            .demo_script = args->demo_script,
            .journal_path = args->journal_path,
        };
        status = tui_run(core, &options);
        break;
    }
    }
    core_free(core);
    return status;
}

int main(int argc, char **argv)
{
    CliArgs args;
    HostsConf conf = { 0 };
    char error[512];
    int status;

    setlocale(LC_ALL, "");   /* the console draws UTF-8 only when the locale says so */

    if (cli_args_parse(&args, argc, argv, error, sizeof(error)) < 0) {
        fprintf(stderr, "virtmig: %s\nTry 'virtmig --help' for more information.\n", error);
        cli_args_clear(&args);
        return CMD_EXIT_USAGE;
    }
    if (args.help) {
        cli_print_usage(stdout, args.command);
        status = CMD_EXIT_OK;
    } else if (args.version) {
        printf("virtmig %s\n", VIRTMIG_VERSION);
        status = CMD_EXIT_OK;
    } else if (args.command == CLI_COMMAND_JOURNAL) {
        CmdStreams streams = { stdout, stderr };
        status = cmd_journal(&args, &streams);   /* reads a file: no host needed */
    } else if ((status = gather_hosts(&args, &conf)) == CMD_EXIT_OK) {
        status = run_with_core(&args, &conf);
    }
    hosts_conf_clear(&conf);
    cli_args_clear(&args);
    return status;
}
