/* The header: a title line with the totals, then every host with its
 * connection state (connected, connecting, lost with the reason and the next
 * try, auth failed with libvirt's message). */
#include "app_state.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "draw.h"
#include "text_width.h"

static ThemeRole host_role(HostConnState state)
{
    switch (state) {
    case HOST_CONNECTED: return THEME_HOST_CONNECTED;
    case HOST_CONNECTING: return THEME_HOST_CONNECTING;
    case HOST_LOST: return THEME_HOST_LOST;
    case HOST_AUTH_FAILED: return THEME_HOST_AUTH_FAILED;
    }
    return THEME_TEXT;
}

static size_t active_migrations(const CoreSnapshot *snapshot, size_t host_or_all)
{
    size_t count = 0;
    for (size_t i = 0; i < snapshot->migration_count; i++) {
        const MigrationView *m = &snapshot->migrations[i];
        if (!migration_is_active(m))
            continue;
        if (host_or_all == SIZE_MAX || m->source_host == host_or_all ||
            m->dest_host == host_or_all)
            count++;
    }
    return count;
}

static void describe_host(const CoreSnapshot *snapshot, size_t index, char *text, size_t size)
{
    const HostView *host = &snapshot->hosts[index];
    size_t domains = 0;
    for (size_t d = 0; d < snapshot->domain_count; d++)
        domains += snapshot->domains[d].host_index == index;
    size_t migrations = active_migrations(snapshot, index);
    const char *name = host->name ? host->name : "?";
    switch (host->state) {
    case HOST_CONNECTED:
        if (migrations)
            snprintf(text, size, "%s: connected, %zu domain%s, %zu migrating", name, domains,
                     domains == 1 ? "" : "s", migrations);
        else
            snprintf(text, size, "%s: connected, %zu domain%s", name, domains,
                     domains == 1 ? "" : "s");
        break;
    case HOST_CONNECTING:
        snprintf(text, size, "%s: connecting%s", name, ui_glyphs()->ellipsis);
        break;
    case HOST_LOST: {
        time_t now = time(NULL);
        long wait = host->next_try > now ? (long)(host->next_try - now) : 0;
        snprintf(text, size, "%s: lost (%s), retry in %ld s", name,
                 host->error ? host->error : "no reason given", wait);
        break;
    }
    case HOST_AUTH_FAILED:
        snprintf(text, size, "%s: auth failed: %s", name,
                 host->error ? host->error : "no reason given");
        break;
    }
}

void header_draw(const App *app, WINDOW *window, UiRect area)
{
    const CoreSnapshot *snapshot = &app->snapshot;
    draw_fill(window, area, THEME_HEADER);
    size_t connected = 0;
    for (size_t h = 0; h < snapshot->host_count; h++)
        connected += snapshot->hosts[h].state == HOST_CONNECTED;
    size_t migrations = active_migrations(snapshot, SIZE_MAX);
    char title[256];
    snprintf(title, sizeof title,
             " virtmig  %zu host%s (%zu connected)  %zu domain%s  %zu migration%s running",
             snapshot->host_count, snapshot->host_count == 1 ? "" : "s", connected,
             snapshot->domain_count, snapshot->domain_count == 1 ? "" : "s", migrations,
             migrations == 1 ? "" : "s");
    char clock[32];
    time_t now = time(NULL);
    struct tm local;
    localtime_r(&now, &local);
    strftime(clock, sizeof clock, "%H:%M:%S ", &local);
    int clock_width = (int)strlen(clock);
    draw_text(window, area.top, area.left, area.width - clock_width, THEME_HEADER, title, 0);
    draw_text(window, area.top, area.left + area.width - clock_width, clock_width, THEME_HEADER,
              clock, 0);

    int lines = area.height - 1;
    int per_line = app->layout.hosts_per_header_line > 0 ? app->layout.hosts_per_header_line : 1;
    int slot = area.width / per_line;
    size_t capacity = (size_t)lines * (size_t)per_line;
    if (snapshot->host_count == 0) {
        draw_text(window, area.top + 1, area.left, area.width, THEME_TEXT,
                  " no hosts: add some with -c URI, --hosts FILE or --lab", TEXT_FIT_PAD);
        return;
    }
    for (size_t h = 0; h < snapshot->host_count && h < capacity; h++) {
        int y = area.top + 1 + (int)(h / (size_t)per_line);
        int x = area.left + (int)(h % (size_t)per_line) * slot;
        char text[512];
        /* The last slot says how many more hosts do not fit. */
        if (h == capacity - 1 && snapshot->host_count > capacity)
            snprintf(text, sizeof text, "+%zu more hosts", snapshot->host_count - h);
        else
            describe_host(snapshot, h, text, sizeof text);
        const HostView *host = &snapshot->hosts[h];
        int used = draw_text(window, y, x, 2, host_role(host->state),
                             host->state == HOST_CONNECTED ? ui_glyphs()->bullet
                             : ui_glyphs()->degraded, 0);
        draw_text(window, y, x + used + 1, slot - used - 2, host_role(host->state), text,
                  TEXT_FIT_PAD);
    }
}
