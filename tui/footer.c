/* The footer: the message line (libvirt's own words for anything that
 * failed, our notices otherwise) above the keys that apply now, htop style. */
#include "app_state.h"

#include <stdio.h>
#include <string.h>

#include "draw.h"
#include "keys.h"

static ThemeRole message_role(MessageLevel level)
{
    switch (level) {
    case MESSAGE_INFO: return THEME_MESSAGE_INFO;
    case MESSAGE_WARNING: return THEME_MESSAGE_WARNING;
    case MESSAGE_ERROR: return THEME_MESSAGE_ERROR;
    }
    return THEME_TEXT;
}

void footer_draw(const App *app, WINDOW *window, UiRect area)
{
    draw_fill(window, area, THEME_FOOTER_LABEL);
    int message_y = area.top, keys_y = area.top + area.height - 1;
    if (area.height >= 2) {
        draw_fill(window, (UiRect){ message_y, area.left, 1, area.width }, THEME_TEXT);
        draw_text(window, message_y, area.left, area.width, message_role(app->footer_level),
                  app->footer_text, 0);
    }
    int x = area.left, end = area.left + area.width;
    if (app->filter_editing) {
        x += draw_text(window, keys_y, x, end - x, THEME_FOOTER_KEY, "Enter", 0);
        x += draw_text(window, keys_y, x, end - x, THEME_FOOTER_LABEL, " Keep filter  ", 0);
        x += draw_text(window, keys_y, x, end - x, THEME_FOOTER_KEY, "Esc", 0);
        draw_text(window, keys_y, x, end - x, THEME_FOOTER_LABEL, " Clear filter  ", 0);
        return;
    }
    for (int action = 0; action < KEY_ACTION_COUNT && x < end; action++) {
        const KeyActionInfo *info = keys_action_info((KeyAction)action);
        if (!info->footer_label || (info->applies && !info->applies(app)))
            continue;
        const char *label = info->footer_label;
        /* Suspend/resume says which it would do. */
        if (action == KEY_ACTION_SUSPEND_RESUME) {
            const DomainView *d = app_selected_domain(app);
            label = d && d->state == DOMAIN_PAUSED ? "Resume" : "Pause";
        }
        const char *key = action == KEY_ACTION_HELP ? "F1" : keys_label_for((KeyAction)action);
        char label_text[48];
        snprintf(label_text, sizeof label_text, " %s  ", label);
        /* Only whole entries: a half-cut "Bandw" helps nobody. */
        int need = (int)strlen(key) + (int)strlen(label_text);
        if (x + need > end)
            break;
        x += draw_text(window, keys_y, x, end - x, THEME_FOOTER_KEY, key, 0);
        x += draw_text(window, keys_y, x, end - x, THEME_FOOTER_LABEL, label_text, 0);
    }
}
