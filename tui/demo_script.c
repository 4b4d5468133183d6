/* The --demo script parser; see demo_script.h. */
#include "demo_script.h"

#include <ctype.h>
#include <curses.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DEMO_MAX_WAIT_MS 3600000u

struct _DemoScript {
    DemoStep *steps;
    size_t count, capacity, next;
};

static char *format_error(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    char *text = NULL;
    if (vasprintf(&text, format, args) < 0)
        text = NULL;
    va_end(args);
    return text;
}

void demo_script_free(DemoScript *script)
{
    if (!script)
        return;
    for (size_t i = 0; i < script->count; i++)
        free(script->steps[i].text);
    free(script->steps);
    free(script);
}

static int add_step(DemoScript *script, DemoStep step)
{
    if (script->count == script->capacity) {
        size_t capacity = script->capacity ? script->capacity * 2 : 32;
        DemoStep *steps = realloc(script->steps, capacity * sizeof *steps);
        if (!steps)
            return -1;
        script->steps = steps;
        script->capacity = capacity;
    }
    script->steps[script->count++] = step;
    return 0;
}

static const struct { const char *name; int key; bool function_key; } key_names[] = {
    { "Enter", '\r', false }, { "Esc", 27, false }, { "Escape", 27, false },
    { "Tab", '\t', false }, { "BTab", KEY_BTAB, true }, { "Space", ' ', false },
    { "Up", KEY_UP, true }, { "Down", KEY_DOWN, true }, { "Left", KEY_LEFT, true },
    { "Right", KEY_RIGHT, true }, { "PgUp", KEY_PPAGE, true }, { "PgDn", KEY_NPAGE, true },
    { "Home", KEY_HOME, true }, { "End", KEY_END, true },
    { "Backspace", KEY_BACKSPACE, true },
};

/* One key name; false when unknown. */
static bool parse_key(const char *name, int *key, bool *function_key)
{
    if (strlen(name) == 1 && isgraph((unsigned char)name[0])) {
        *key = (unsigned char)name[0];
        *function_key = false;
        return true;
    }
    for (size_t i = 0; i < sizeof key_names / sizeof key_names[0]; i++) {
        if (strcasecmp(name, key_names[i].name) == 0) {
            *key = key_names[i].key;
            *function_key = key_names[i].function_key;
            return true;
        }
    }
    if ((name[0] == 'F' || name[0] == 'f') && isdigit((unsigned char)name[1])) {
        char *end;
        long number = strtol(name + 1, &end, 10);
        if (*end == '\0' && number >= 1 && number <= 12) {
            *key = KEY_F((int)number);
            *function_key = true;
            return true;
        }
    }
    return false;
}

/* Parses one line (NUL-terminated, no newline) into steps. Returns NULL, or
 * the reason it is wrong (static or malloc'd via *owned). */
static const char *parse_line(DemoScript *script, char *line, char **owned, bool *no_memory)
{
    while (isspace((unsigned char)*line))
        line++;
    size_t length = strlen(line);
    while (length > 0 && isspace((unsigned char)line[length - 1]))
        line[--length] = '\0';
    if (length == 0 || line[0] == '#')
        return NULL;
    char *rest = line;
    while (*rest && !isspace((unsigned char)*rest))
        rest++;
    if (*rest)
        *rest++ = '\0';
    while (isspace((unsigned char)*rest))
        rest++;
    const char *command = line;

    if (strcmp(command, "say") == 0) {
        DemoStep step = { .kind = DEMO_SAY, .text = strdup(rest) };
        if (!step.text || add_step(script, step) < 0) {
            free(step.text);
            *no_memory = true;
        }
        return NULL;
    }
    if (strcmp(command, "wait") == 0) {
        char *end;
        errno = 0;
        double seconds = strtod(rest, &end);
        if (!rest[0] || *end || errno || !(seconds >= 0.0) || seconds * 1000.0 > DEMO_MAX_WAIT_MS)
            return "wait needs a number of seconds between 0 and 3600, e.g. 'wait 2.5'";
        DemoStep step = { .kind = DEMO_WAIT, .wait_ms = (uint64_t)(seconds * 1000.0 + 0.5) };
        if (add_step(script, step) < 0)
            *no_memory = true;
        return NULL;
    }
    if (strcmp(command, "keys") == 0) {
        if (!rest[0])
            return "keys needs at least one key name, e.g. 'keys Down Down m'";
        for (char *save = NULL, *name = strtok_r(rest, " \t", &save); name;
             name = strtok_r(NULL, " \t", &save)) {
            DemoStep step = { .kind = DEMO_KEY };
            if (!parse_key(name, &step.key, &step.function_key)) {
                *owned = format_error("unknown key '%s'; use a single character or one of "
                                      "Enter Esc Tab BTab Space Up Down Left Right PgUp PgDn "
                                      "Home End Backspace F1..F12", name);
                return *owned ? *owned : "unknown key name";
            }
            if (add_step(script, step) < 0) {
                *no_memory = true;
                return NULL;
            }
        }
        return NULL;
    }
    if (strcmp(command, "type") == 0) {
        if (!rest[0])
            return "type needs the text to type, e.g. 'type steady'";
        for (const char *c = rest; *c; c++) {
            DemoStep step = { .kind = DEMO_KEY, .key = (unsigned char)*c };
            if (add_step(script, step) < 0) {
                *no_memory = true;
                return NULL;
            }
        }
        return NULL;
    }
    if (strcmp(command, "quit") == 0) {
        if (rest[0])
            return "quit takes nothing after it";
        DemoStep step = { .kind = DEMO_QUIT };
        if (add_step(script, step) < 0)
            *no_memory = true;
        return NULL;
    }
    *owned = format_error("unknown command '%s'; use say, wait, keys, type or quit", command);
    return *owned ? *owned : "unknown command";
}

DemoScript *demo_script_parse(const char *text, const char *filename, char **error)
{
    *error = NULL;
    DemoScript *script = calloc(1, sizeof *script);
    char *copy = text ? strdup(text) : NULL;
    if (!script || !copy) {
        free(copy);
        demo_script_free(script);
        *error = format_error("%s: out of memory", filename);
        return NULL;
    }
    size_t number = 0;
    for (char *line = copy; line;) {
        char *newline = strchr(line, '\n');
        if (newline)
            *newline = '\0';
        number++;
        char *owned = NULL;
        bool no_memory = false;
        const char *problem = parse_line(script, line, &owned, &no_memory);
        if (problem || no_memory) {
            *error = format_error("%s:%zu: %s", filename, number,
                                  no_memory ? "out of memory" : problem);
            free(owned);
            free(copy);
            demo_script_free(script);
            return NULL;
        }
        line = newline ? newline + 1 : NULL;
    }
    free(copy);
    return script;
}

DemoScript *demo_script_load(const char *path, char **error)
{
    FILE *file = fopen(path, "r");
    if (!file) {
        *error = format_error("demo script %s: %s", path, strerror(errno));
        return NULL;
    }
    char *text = NULL;
    size_t size = 0;
    FILE *memory = open_memstream(&text, &size);
    if (!memory) {
        fclose(file);
        *error = format_error("demo script %s: out of memory", path);
        return NULL;
    }
    char buffer[4096];
    size_t got;
    while ((got = fread(buffer, 1, sizeof buffer, file)) > 0)
        fwrite(buffer, 1, got, memory);
    bool failed = ferror(file);
    fclose(file);
    fclose(memory);
    if (failed) {
        free(text);
        *error = format_error("demo script %s: read error", path);
        return NULL;
    }
    DemoScript *script = demo_script_parse(text, path, error);
    free(text);
    return script;
}

size_t demo_script_length(const DemoScript *script)
{
    return script ? script->count : 0;
}

const DemoStep *demo_script_next(DemoScript *script)
{
    if (!script || script->next >= script->count)
        return NULL;
    return &script->steps[script->next++];
}
