/* --demo SCRIPT: a scripted walkthrough played in the console, as if an
 * operator pressed the keys (for demonstrations and screenshots).
 *
 * Pure: parses the text and hands out steps; the console loop plays them
 * without ever blocking (a wait is a deadline, not a sleep).
 *
 *   # comment, blank lines ignored
 *   say TEXT          shows TEXT in the footer's message line
 *   wait SECONDS      pauses (a decimal number, at most 3600)
 *   keys NAME...      presses keys: a single character, or one of Enter Esc
 *                     Tab BTab Space Up Down Left Right PgUp PgDn Home End
 *                     Backspace F1..F12
 *   type TEXT         types TEXT character by character
 *   quit              ends the console (as q, without the question)
 *
 * A bad line yields "FILE:LINE: what is wrong; how to fix it". */
#ifndef VIRTMIG_TUI_DEMO_SCRIPT_H
#define VIRTMIG_TUI_DEMO_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum { DEMO_SAY = 0, DEMO_WAIT, DEMO_KEY, DEMO_QUIT } DemoStepKind;

typedef struct {
    DemoStepKind kind;
    uint64_t wait_ms;        /* DEMO_WAIT */
    int key;                 /* DEMO_KEY: a character, or a KEY_* code */
    bool function_key;       /* DEMO_KEY */
    char *text;              /* DEMO_SAY (owned) */
} DemoStep;

typedef struct _DemoScript DemoScript;

/* Parses a script. Returns NULL with *error (malloc'd) on the first bad line
 * or on allocation failure. */
DemoScript *demo_script_parse(const char *text, const char *filename, char **error);
/* Reads and parses a file; an unreadable file is an error naming it. */
DemoScript *demo_script_load(const char *path, char **error);
void demo_script_free(DemoScript *script);        /* accepts NULL */

size_t demo_script_length(const DemoScript *script);
/* The next step, or NULL at the end. */
const DemoStep *demo_script_next(DemoScript *script);

#endif
