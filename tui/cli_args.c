/* Splits virtmig's command line: global options in a table here, migrate
 * options in cli_migrate_args.c. See cli_args.h for the grammar. */
#include "cli_args.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Which commands an option means something to. */
enum {
    FOR_CONSOLE = 1u << CLI_COMMAND_CONSOLE,
    FOR_LIST    = 1u << CLI_COMMAND_LIST,
    FOR_MIGRATE = 1u << CLI_COMMAND_MIGRATE,
    FOR_JOURNAL = 1u << CLI_COMMAND_JOURNAL,
    FOR_HOSTS   = FOR_CONSOLE | FOR_LIST | FOR_MIGRATE,   /* commands that connect */
    FOR_ALL     = FOR_HOSTS | FOR_JOURNAL,
};

typedef enum {
    OPT_HELP, OPT_VERSION, OPT_CONNECT, OPT_LAB, OPT_HOSTS, OPT_THEME, OPT_REFRESH,
    OPT_JOURNAL, OPT_DEMO, OPT_JSON, OPT_WAIT, OPT_TAIL, OPT_FROM, OPT_TO, OPT_PREFLIGHT,
    OPT_GLOBAL_COUNT
} GlobalOption;

typedef struct {
    GlobalOption id;
    const char *name;      /* long name, without "--" */
    char short_name;       /* 0: none */
    const char *metavar;   /* NULL: a flag */
    unsigned commands;     /* FOR_* bits */
} GlobalSpec;

static const GlobalSpec global_options[] = {
    { OPT_HELP,    "help",    'h', NULL,      FOR_ALL },
    { OPT_VERSION, "version", 'V', NULL,      FOR_ALL },
    { OPT_CONNECT, "connect", 'c', "URI",     FOR_HOSTS },
    { OPT_LAB,     "lab",     0,   NULL,      FOR_HOSTS },
    { OPT_HOSTS,   "hosts",   0,   "FILE",    FOR_HOSTS },
    { OPT_THEME,   "theme",   0,   "NAME",    FOR_CONSOLE },
    { OPT_REFRESH, "refresh", 0,   "MS",      FOR_HOSTS },
    { OPT_JOURNAL, "journal", 0,   "FILE",    FOR_ALL },
    { OPT_DEMO,    "demo",    0,   "SCRIPT",  FOR_CONSOLE },
    { OPT_JSON,    "json",    0,   NULL,      FOR_LIST | FOR_MIGRATE | FOR_JOURNAL },
    { OPT_WAIT,    "wait",    0,   "SECONDS", FOR_LIST | FOR_MIGRATE },
    { OPT_TAIL,    "tail",    0,   "N",       FOR_JOURNAL },
    { OPT_FROM,    "from",    0,   "HOST",    FOR_MIGRATE },
    { OPT_TO,      "to",      0,   "HOST",    FOR_MIGRATE },
    { OPT_PREFLIGHT, "preflight", 0, NULL,    FOR_MIGRATE },
};
#define GLOBAL_COUNT (sizeof(global_options) / sizeof(global_options[0]))

static const char *const command_names[] = {
    [CLI_COMMAND_CONSOLE] = "console",
    [CLI_COMMAND_LIST] = "list",
    [CLI_COMMAND_MIGRATE] = "migrate",
    [CLI_COMMAND_JOURNAL] = "journal",
};

const char *cli_command_name(CliCommand command)
{
    if ((size_t)command < sizeof(command_names) / sizeof(command_names[0]))
        return command_names[command];
    return "?";
}

static void set_error(char *error, size_t size, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

static void set_error(char *error, size_t size, const char *format, ...)
{
    va_list ap;
    if (!error || size == 0)
        return;
    va_start(ap, format);
    vsnprintf(error, size, format, ap);
    va_end(ap);
}

/* What the parser remembers while it walks argv, beyond CliArgs itself. */
typedef struct {
    bool command_given;
    bool seen[OPT_GLOBAL_COUNT];
    const char *first_migrate_option;   /* as spelled, for "only with migrate" */
} ParseState;

static bool parse_unsigned(const char *text, unsigned long long max, unsigned long long *out)
{
    char *end;
    if (!text || text[0] < '0' || text[0] > '9')
        return false;
    errno = 0;
    unsigned long long value = strtoull(text, &end, 10);
    if (errno != 0 || *end != '\0' || value > max)
        return false;
    *out = value;
    return true;
}

static int set_string(char **field, const char *value, const char *name, char *error,
                      size_t size)
{
    char *copy = strdup(value);
    if (!copy) {
        set_error(error, size, "--%s: out of memory", name);
        return -1;
    }
    free(*field);
    *field = copy;
    return 0;
}

static int add_connect_uri(CliArgs *args, const char *uri, char *error, size_t size)
{
    char **grown = realloc(args->connect_uris, (args->connect_count + 1) * sizeof(*grown));
    if (!grown) {
        set_error(error, size, "--connect: out of memory");
        return -1;
    }
    args->connect_uris = grown;
    if (!(grown[args->connect_count] = strdup(uri))) {
        set_error(error, size, "--connect: out of memory");
        return -1;
    }
    args->connect_count++;
    return 0;
}

static int apply_global(CliArgs *args, ParseState *state, const GlobalSpec *spec,
                        const char *value, char *error, size_t size)
{
    unsigned long long number;

    if (state->seen[spec->id] && spec->id != OPT_CONNECT) {
        set_error(error, size, "--%s given twice: keep one", spec->name);
        return -1;
    }
    state->seen[spec->id] = true;
    if (spec->metavar && value[0] == '\0') {
        set_error(error, size, "--%s needs a value: --%s %s", spec->name, spec->name,
                  spec->metavar);
        return -1;
    }

    switch (spec->id) {
    case OPT_HELP:    args->help = true; return 0;
    case OPT_VERSION: args->version = true; return 0;
    case OPT_LAB:     args->lab = true; return 0;
    case OPT_JSON:    args->json = true; return 0;
    case OPT_PREFLIGHT: args->preflight = true; return 0;
    case OPT_CONNECT: return add_connect_uri(args, value, error, size);
    case OPT_HOSTS:   return set_string(&args->hosts_file, value, spec->name, error, size);
    case OPT_THEME:   return set_string(&args->theme, value, spec->name, error, size);
    case OPT_JOURNAL: return set_string(&args->journal_path, value, spec->name, error, size);
    case OPT_DEMO:    return set_string(&args->demo_script, value, spec->name, error, size);
    case OPT_FROM:    return set_string(&args->from_host, value, spec->name, error, size);
    case OPT_TO:      return set_string(&args->to_host, value, spec->name, error, size);
    case OPT_REFRESH:
        /* Faster than 100 ms only loads the hosts; slower than a minute looks dead. */
        if (!parse_unsigned(value, UINT32_MAX, &number) || number < 100 || number > 60000) {
            set_error(error, size, "--refresh '%s': give the refresh period in milliseconds, "
                      "from 100 to 60000 (e.g. --refresh 1000)", value);
            return -1;
        }
        args->refresh_ms = (unsigned)number;
        return 0;
    case OPT_WAIT:
        if (!parse_unsigned(value, 3600, &number) || number == 0) {
            set_error(error, size, "--wait '%s': give how many seconds to wait for the hosts, "
                      "from 1 to 3600 (e.g. --wait 30)", value);
            return -1;
        }
        args->wait_s = (unsigned)number;
        return 0;
    case OPT_TAIL:
        if (!parse_unsigned(value, SIZE_MAX, &number) || number == 0) {
            set_error(error, size, "--tail '%s': give how many of the latest entries to show, "
                      "a whole number from 1 (e.g. --tail 20)", value);
            return -1;
        }
        args->tail = (size_t)number;
        return 0;
    case OPT_GLOBAL_COUNT:
        break;
    }
    return 0;
}

static const GlobalSpec *find_global_long(const char *name)
{
    for (size_t i = 0; i < GLOBAL_COUNT; i++)
        if (strcmp(global_options[i].name, name) == 0)
            return &global_options[i];
    return NULL;
}

static const GlobalSpec *find_global_short(char letter)
{
    for (size_t i = 0; i < GLOBAL_COUNT; i++)
        if (global_options[i].short_name == letter)
            return &global_options[i];
    return NULL;
}

/* The value of an option that takes one: attached ("--x=v", "-cv") or the next
 * argument. Advances *index past a separate value. */
static const char *take_value(int argc, char *const argv[], int *index, const char *attached,
                              const char *spelled, const char *metavar, char *error,
                              size_t size)
{
    if (attached)
        return attached;
    if (*index + 1 >= argc) {
        set_error(error, size, "%s needs a value: %s %s", spelled, spelled, metavar);
        return NULL;
    }
    (*index)++;
    return argv[*index];
}

static int handle_positional(CliArgs *args, ParseState *state, const char *word, char *error,
                             size_t size)
{
    if (!state->command_given) {
        for (size_t c = CLI_COMMAND_LIST; c <= CLI_COMMAND_JOURNAL; c++) {
            if (strcmp(word, command_names[c]) == 0) {
                args->command = (CliCommand)c;
                state->command_given = true;
                return 0;
            }
        }
        set_error(error, size, "unknown command '%s': the commands are list, migrate and "
                  "journal (no command opens the console)", word);
        return -1;
    }
    if (args->command == CLI_COMMAND_MIGRATE && !args->domain) {
        if (word[0] == '\0') {
            set_error(error, size, "virtmig migrate: the domain name is empty: give a domain "
                      "name or UUID");
            return -1;
        }
        return set_string(&args->domain, word, "migrate", error, size);
    }
    if (args->command == CLI_COMMAND_MIGRATE)
        set_error(error, size, "unexpected argument '%s': virtmig migrate takes one domain "
                  "('%s' already); options start with --", word, args->domain);
    else
        set_error(error, size, "unexpected argument '%s': virtmig %s takes no arguments "
                  "besides options", word, command_names[args->command]);
    return -1;
}

/* A global option spelled `spelled` (--name or -x): its value (attached, or
 * the next argument) when it takes one, then applied. */
static int take_and_apply_global(CliArgs *args, ParseState *state, const GlobalSpec *spec,
                                 int argc, char *const argv[], int *index,
                                 const char *attached, const char *spelled,
                                 char *error, size_t size)
{
    const char *value = spec->metavar
        ? take_value(argc, argv, index, attached, spelled, spec->metavar, error, size)
        : "";
    if (!value)
        return -1;
    return apply_global(args, state, spec, value, error, size);
}

static int handle_long(CliArgs *args, ParseState *state, int argc, char *const argv[],
                       int *index, char *error, size_t size)
{
    const char *arg = argv[*index];
    char name[64];
    const char *equals = strchr(arg + 2, '=');
    size_t length = equals ? (size_t)(equals - (arg + 2)) : strlen(arg + 2);
    const char *attached = equals ? equals + 1 : NULL;

    if (length == 0 || length >= sizeof(name)) {
        set_error(error, size, "unknown option '%s': 'virtmig --help' lists the options", arg);
        return -1;
    }
    memcpy(name, arg + 2, length);
    name[length] = '\0';
    char spelled[72];
    snprintf(spelled, sizeof(spelled), "--%s", name);

    const GlobalSpec *spec = find_global_long(name);
    if (spec) {
        if (!spec->metavar && attached) {
            set_error(error, size, "--%s takes no value: drop '=%s'", name, attached);
            return -1;
        }
        return take_and_apply_global(args, state, spec, argc, argv, index, attached, spelled,
                                     error, size);
    }

    bool takes_value;
    if (cli_migrate_args_lookup(name, &takes_value)) {
        const char *value = NULL;
        if (takes_value) {
            value = take_value(argc, argv, index, attached, spelled, "VALUE", error, size);
            if (!value)
                return -1;
        } else {
            value = attached;   /* apply() says a flag takes no value */
        }
        if (!state->first_migrate_option)
            state->first_migrate_option = arg;
        return cli_migrate_args_apply(&args->migrate, name, value, error, size);
    }

    set_error(error, size, "unknown option '--%s': 'virtmig --help' lists the options "
              "('virtmig migrate --help' the migrate options)", name);
    return -1;
}

static int handle_short(CliArgs *args, ParseState *state, int argc, char *const argv[],
                        int *index, char *error, size_t size)
{
    const char *arg = argv[*index];
    const GlobalSpec *spec = find_global_short(arg[1]);
    if (!spec) {
        set_error(error, size, "unknown option '%s': 'virtmig --help' lists the options", arg);
        return -1;
    }
    char spelled[4] = { '-', arg[1], '\0', '\0' };
    const char *attached = arg[2] ? arg + 2 : NULL;
    if (!spec->metavar && attached) {
        set_error(error, size, "unknown option '%s': write one option per argument "
                  "(e.g. '-%c -%c')", arg, arg[1], arg[2]);
        return -1;
    }
    return take_and_apply_global(args, state, spec, argc, argv, index, attached, spelled,
                                 error, size);
}

/* After the walk: options that mean nothing to the chosen command, and what
 * `migrate` cannot do without. */
static int check_command(CliArgs *args, const ParseState *state, char *error, size_t size)
{
    const char *command = command_names[args->command];
    unsigned bit = 1u << args->command;

    if (args->help || args->version)
        return 0;   /* "virtmig list --help" must work whatever else is there */

    for (size_t i = 0; i < GLOBAL_COUNT; i++) {
        const GlobalSpec *spec = &global_options[i];
        if (!state->seen[spec->id] || (spec->commands & bit))
            continue;
        if (args->command == CLI_COMMAND_CONSOLE) {
            char where[96] = "";
            size_t left = 0, named = 0;
            for (size_t c = CLI_COMMAND_LIST; c <= CLI_COMMAND_JOURNAL; c++)
                left += (spec->commands >> c) & 1u;
            for (size_t c = CLI_COMMAND_LIST; c <= CLI_COMMAND_JOURNAL; c++) {
                if (!((spec->commands >> c) & 1u))
                    continue;
                named++;
                size_t used = strlen(where);
                snprintf(where + used, sizeof(where) - used, "%s'virtmig %s'",
                         named == 1 ? "" : named == left ? " or " : ", ", command_names[c]);
            }
            set_error(error, size, "--%s needs a command: it applies to %s", spec->name, where);
        } else
            set_error(error, size, "--%s does not apply to 'virtmig %s': drop it (see "
                      "'virtmig %s --help')", spec->name, command, command);
        return -1;
    }
    if (args->command != CLI_COMMAND_MIGRATE && state->first_migrate_option) {
        set_error(error, size, "%s is a migrate option: use it with 'virtmig migrate DOMAIN "
                  "--from HOST --to HOST'", state->first_migrate_option);
        return -1;
    }
    if (args->command != CLI_COMMAND_MIGRATE)
        return 0;

    if (!args->domain) {
        set_error(error, size, "virtmig migrate: which domain? "
                  "usage: virtmig migrate DOMAIN --from HOST --to HOST [options]");
        return -1;
    }
    if (!args->from_host || !args->to_host) {
        set_error(error, size, "virtmig migrate %s: %s is missing: name the %s host "
                  "(usage: virtmig migrate DOMAIN --from HOST --to HOST)", args->domain,
                  !args->from_host ? "--from" : "--to",
                  !args->from_host ? "source" : "destination");
        return -1;
    }
    if (strcmp(args->from_host, args->to_host) == 0) {
        set_error(error, size, "--from and --to both name '%s': the destination must be "
                  "another host", args->from_host);
        return -1;
    }
    return cli_migrate_args_finish(&args->migrate, error, size);
}

int cli_args_parse(CliArgs *args, int argc, char *const argv[], char *error, size_t error_size)
{
    ParseState state;
    bool options_ended = false;

    memset(args, 0, sizeof(*args));
    memset(&state, 0, sizeof(state));
    args->wait_s = CLI_DEFAULT_WAIT_S;
    cli_migrate_args_init(&args->migrate);
    if (error_size > 0)
        error[0] = '\0';

    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        int rc;
        if (options_ended || arg[0] != '-' || arg[1] == '\0')
            rc = handle_positional(args, &state, arg, error, error_size);
        else if (strcmp(arg, "--") == 0) {
            options_ended = true;
            rc = 0;
        } else if (arg[1] == '-')
            rc = handle_long(args, &state, argc, argv, &i, error, error_size);
        else
            rc = handle_short(args, &state, argc, argv, &i, error, error_size);
        if (rc < 0)
            return -1;
    }
    return check_command(args, &state, error, error_size);
}

void cli_args_clear(CliArgs *args)
{
    if (!args)
        return;
    for (size_t i = 0; i < args->connect_count; i++)
        free(args->connect_uris[i]);
    free(args->connect_uris);
    free(args->hosts_file);
    free(args->theme);
    free(args->journal_path);
    free(args->demo_script);
    free(args->domain);
    free(args->from_host);
    free(args->to_host);
    cli_migrate_args_clear(&args->migrate);
    memset(args, 0, sizeof(*args));
}

static const char host_options_help[] =
    "\nHosts (merged; the default file is read only without -c, --lab and --hosts):\n"
    "  -c, --connect URI      add a libvirt host (repeatable), e.g. qemu+ssh://root@a/system\n"
    "      --lab              add the hosts of the running lab (make lab-up)\n"
    "      --hosts FILE       hosts file, one 'NAME URI' per line\n"
    "                         (default: $XDG_CONFIG_HOME/virtmig/hosts.conf)\n"
    "      --refresh MS       inventory refresh period (default 1000)\n";

static const char common_help[] =
    "\n"
    "      --journal FILE     migration journal\n"
    "                         (default: $XDG_STATE_HOME/virtmig/journal.jsonl)\n"
    "  -h, --help             this help\n"
    "  -V, --version          print the version\n";

void cli_print_usage(FILE *out, CliCommand command)
{
    switch (command) {
    case CLI_COMMAND_LIST:
        fputs("Usage: virtmig list [OPTIONS]\n"
              "Prints every host's state and every domain (name, state, vCPUs, memory, UUID).\n"
              "Exits 1 if a host could not be reached.\n\n"
              "      --json             one JSON object per line\n"
              "      --wait SECONDS     how long to wait for the hosts (default 10)\n", out);
        fputs(host_options_help, out);
        fputs(common_help, out);
        break;
    case CLI_COMMAND_MIGRATE:
        fputs("Usage: virtmig migrate DOMAIN --from HOST --to HOST [OPTIONS]\n"
              "Migrates DOMAIN (name or UUID) between two configured hosts (names or URIs),\n"
              "printing the equivalent virsh command and the progress. Ctrl-C aborts.\n"
              "Exits 0 when the migration completed, 1 when it failed, 2 on bad options.\n\n"
              "      --json             one JSON object per line\n"
              "      --wait SECONDS     how long to wait for the hosts (default 10)\n"
              "      --preflight        run the console's pre-flight checks first; a failed\n"
              "                         check stops here (exit 2)\n"
              "\nMigrate options (as virsh migrate spells them; default: --live --p2p "
              "--persistent):\n", out);
        cli_migrate_args_print_help(out);
        fputs(host_options_help, out);
        fputs(common_help, out);
        break;
    case CLI_COMMAND_JOURNAL:
        fputs("Usage: virtmig journal [OPTIONS]\n"
              "Prints the journal of past migrations.\n\n"
              "      --json             the raw JSON lines\n"
              "      --tail N           only the last N records\n", out);
        fputs(common_help, out);
        break;
    case CLI_COMMAND_CONSOLE:
    default:
        fputs("Usage: virtmig [OPTIONS]                 the console\n"
              "       virtmig list [OPTIONS]            hosts and domains, headless\n"
              "       virtmig migrate DOMAIN --from HOST --to HOST [OPTIONS]\n"
              "       virtmig journal [OPTIONS]         past migrations\n"
              "'virtmig COMMAND --help' describes a command.\n\n"
              "Console:\n"
              "      --theme NAME       colour theme (default: the saved one, else default)\n"
              "      --demo SCRIPT      play a scripted walkthrough\n", out);
        fputs(host_options_help, out);
        fputs(common_help, out);
        break;
    }
}

char *cli_default_hosts_path(const char *xdg_config_home, const char *home)
{
    char *path = NULL;
    int rc;
    /* The XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored. */
    if (xdg_config_home && xdg_config_home[0] == '/')
        rc = asprintf(&path, "%s/virtmig/hosts.conf", xdg_config_home);
    else if (home && home[0] != '\0')
        rc = asprintf(&path, "%s/.config/virtmig/hosts.conf", home);
    else
        return NULL;
    return rc < 0 ? NULL : path;
}

char *cli_lab_hosts_path(const char *virtmig_lab_hosts, const char *lab_instance,
                         char *error, size_t error_size)
{
    char *path = NULL;
    if (virtmig_lab_hosts && virtmig_lab_hosts[0] != '\0') {
        if (!(path = strdup(virtmig_lab_hosts)))
            set_error(error, error_size, "--lab: out of memory");
        return path;
    }
    if (!lab_instance || lab_instance[0] == '\0')
        lab_instance = "0";
    if (lab_instance[0] < '0' || lab_instance[0] > '7' || lab_instance[1] != '\0') {
        set_error(error, error_size, "LAB_INSTANCE='%s': the lab instance is a number from 0 "
                  "to 7 (unset means 0)", lab_instance);
        return NULL;
    }
    if (asprintf(&path, "/run/virtmig-lab%s/hosts.conf", lab_instance) < 0) {
        set_error(error, error_size, "--lab: out of memory");
        return NULL;
    }
    return path;
}
