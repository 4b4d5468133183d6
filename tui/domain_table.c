/* The domain table: one line per host, its domains under it with state,
 * vCPUs, memory, a dirty-rate sparkline and, while a guest migrates, a small
 * progress bar with the direction (labhost1 -> labhost2). */
#include "app_state.h"

#include <stdio.h>
#include <string.h>

#include "draw.h"
#include "progress_model.h"
#include "text_width.h"
#include "units.h"

static ThemeRole state_role(DomainRunState state)
{
    switch (state) {
    case DOMAIN_RUNNING: return THEME_DOMAIN_RUNNING;
    case DOMAIN_PAUSED:
    case DOMAIN_PMSUSPENDED: return THEME_DOMAIN_PAUSED;
    case DOMAIN_SHUTOFF: return THEME_DOMAIN_SHUTOFF;
    default: return THEME_DOMAIN_OTHER;
    }
}

static const char *host_name(const CoreSnapshot *snapshot, size_t index)
{
    return index < snapshot->host_count && snapshot->hosts[index].name
               ? snapshot->hosts[index].name : "?";
}

static void draw_titles(const App *app, WINDOW *window, UiRect area, TableColumns c)
{
    draw_fill(window, (UiRect){ area.top, area.left, 1, area.width }, THEME_TABLE_HEADER);
    char name_title[160];
    const char *filter = domain_list_filter(app->domains);
    if (app->filter_editing || filter[0])
        snprintf(name_title, sizeof name_title, "NAME /%s%s", filter,
                 app->filter_editing ? "_" : "");
    else
        snprintf(name_title, sizeof name_title, "NAME (sort: %s)",
                 domain_sort_key_name(domain_list_sort(app->domains)));
    int x = area.left;
    x += draw_text(window, area.top, x, c.name, THEME_TABLE_HEADER, name_title, TEXT_FIT_PAD) + 1;
    x += draw_text(window, area.top, x, c.state, THEME_TABLE_HEADER, "STATE", TEXT_FIT_PAD) + 1;
    x += draw_text(window, area.top, x, c.vcpus, THEME_TABLE_HEADER, "CPU",
                   TEXT_FIT_PAD | TEXT_FIT_ALIGN_RIGHT) + 1;
    x += draw_text(window, area.top, x, c.memory, THEME_TABLE_HEADER, "MEMORY",
                   TEXT_FIT_PAD | TEXT_FIT_ALIGN_RIGHT) + 1;
    x += draw_text(window, area.top, x, c.sparkline, THEME_TABLE_HEADER, "DIRTY",
                   TEXT_FIT_PAD) + 1;
    if (c.migration > 0)
        draw_text(window, area.top, x, c.migration, THEME_TABLE_HEADER, "MIGRATION",
                  TEXT_FIT_PAD);
}

/* "45% labhost1->labhost2" after a small bar, or the outcome of the last one. */
/* A selected row keeps its highlight across the cell: bar and text in the
 * row's role instead of the migration colours. */
static void draw_migration_cell(const CoreSnapshot *snapshot, const MigrationView *m,
                                WINDOW *window, int y, int x, int width, ThemeRole base,
                                bool selected)
{
    char text[192];
    const char *arrow = ui_glyphs()->arrow_right;
    const char *from = host_name(snapshot, m->source_host), *to = host_name(snapshot, m->dest_host);
    if (migration_is_active(m)) {
        ProgressValue value;
        progress_compute(m->history, m->history_count, PROGRESS_DATA, &value);
        if (!value.known)
            progress_compute(m->history, m->history_count, PROGRESS_MEMORY, &value);
        int bar = width >= 36 ? 8 : 5;
        if (selected)
            progress_bar_draw_in(window, y, x, bar, value.fraction, base);
        else
            progress_bar_draw(window, y, x, bar, value.fraction);
        if (m->phase == MIGRATION_POSTCOPY)
            snprintf(text, sizeof text, " post-copy %s%s%s", from, arrow, to);
        else if (m->phase == MIGRATION_STARTING || !value.known)
            snprintf(text, sizeof text, " start %s%s%s", from, arrow, to);
        else
            snprintf(text, sizeof text, " %3.0f%% %s%s%s", value.fraction * 100.0, from, arrow, to);
        draw_text(window, y, x + bar, width - bar, selected ? base : THEME_MIGRATING, text,
                  TEXT_FIT_PAD);
        return;
    }
    snprintf(text, sizeof text, "%s %s%s%s", migration_phase_name(m->phase), from, arrow, to);
    ThemeRole role = m->phase == MIGRATION_COMPLETED || selected ? base
                     : m->phase == MIGRATION_CANCELLED ? THEME_VERDICT_WARN
                     : THEME_VERDICT_BAD;
    draw_text(window, y, x, width, role, text, TEXT_FIT_PAD);
}

static void draw_domain_row(const App *app, WINDOW *window, int y, UiRect area, TableColumns c,
                            const DomainView *d, bool selected)
{
    const CoreSnapshot *snapshot = &app->snapshot;
    ThemeRole base = selected ? THEME_ROW_SELECTED : THEME_ROW;
    draw_fill(window, (UiRect){ y, area.left, 1, area.width }, base);
    int x = area.left;
    char text[64];
    char name[256];
    snprintf(name, sizeof name, "  %s", d->name ? d->name : d->uuid);
    x += draw_text(window, y, x, c.name, base, name, TEXT_FIT_PAD) + 1;
    x += draw_text(window, y, x, c.state, selected ? base : state_role(d->state),
                   domain_run_state_name(d->state), TEXT_FIT_PAD) + 1;
    snprintf(text, sizeof text, "%u", d->vcpus);
    x += draw_text(window, y, x, c.vcpus, base, text, TEXT_FIT_PAD | TEXT_FIT_ALIGN_RIGHT) + 1;
    units_format_bytes(text, sizeof text, d->memory_kib * 1024ull);
    x += draw_text(window, y, x, c.memory, base, text, TEXT_FIT_PAD | TEXT_FIT_ALIGN_RIGHT) + 1;

    double values[DIRTY_RATE_HISTORY];
    size_t count = d->dirty_rate_count < DIRTY_RATE_HISTORY ? d->dirty_rate_count
                                                            : DIRTY_RATE_HISTORY;
    for (size_t i = 0; i < count; i++)
        values[i] = d->dirty_rate[i].value;
    if (count > 0)
        sparkline_draw(window, y, x, c.sparkline, values, count, 1.0,
                       selected ? base : THEME_GRAPH_DIRTY);
    else
        draw_text(window, y, x, c.sparkline, base, d->dirty_rate_watched ? "measuring" : "-",
                  TEXT_FIT_PAD);
    x += c.sparkline + 1;

    if (c.migration > 0) {
        const MigrationView *m = domain_migration(snapshot, d->uuid, d->host_index);
        if (m)
            draw_migration_cell(snapshot, m, window, y, x, c.migration, base, selected);
    }
}

static void draw_host_row(const App *app, WINDOW *window, int y, UiRect area, size_t host)
{
    const HostView *h = &app->snapshot.hosts[host];
    draw_fill(window, (UiRect){ y, area.left, 1, area.width }, THEME_TEXT);
    char text[512];
    size_t domains = 0, shown = 0;
    for (size_t d = 0; d < app->snapshot.domain_count; d++)
        domains += app->snapshot.domains[d].host_index == host;
    for (size_t r = 0; r < domain_list_count(app->domains); r++) {
        const DomainRow *row = domain_list_row(app->domains, r);
        shown += !row->is_host && row->host == host;
    }
    if (h->state != HOST_CONNECTED)
        snprintf(text, sizeof text, "%s (%s)", h->name ? h->name : "?",
                 host_conn_state_name(h->state));
    else if (shown != domains)
        snprintf(text, sizeof text, "%s  %zu of %zu domains match", h->name ? h->name : "?",
                 shown, domains);
    else
        snprintf(text, sizeof text, "%s  %zu domain%s", h->name ? h->name : "?", domains,
                 domains == 1 ? "" : "s");
    ThemeRole role = h->state == HOST_CONNECTED ? THEME_HOST_CONNECTED
                     : h->state == HOST_CONNECTING ? THEME_HOST_CONNECTING
                     : h->state == HOST_LOST ? THEME_HOST_LOST : THEME_HOST_AUTH_FAILED;
    draw_text(window, y, area.left, area.width, role, text, 0);
}

void domain_table_draw(App *app, WINDOW *window, UiRect area)
{
    draw_fill(window, area, THEME_TEXT);
    if (area.height < 2)
        return;
    TableColumns columns = layout_table_columns(area.width);
    draw_titles(app, window, area, columns);
    size_t visible = (size_t)(area.height - 1);
    size_t count = domain_list_count(app->domains);
    size_t selected = domain_list_selected_row(app->domains);
    app->table_scroll = layout_scroll(selected == SIZE_MAX ? 0 : selected, app->table_scroll,
                                      visible, count);
    for (size_t i = 0; i < visible && app->table_scroll + i < count; i++) {
        size_t index = app->table_scroll + i;
        const DomainRow *row = domain_list_row(app->domains, index);
        int y = area.top + 1 + (int)i;
        if (row->is_host)
            draw_host_row(app, window, y, area, row->host);
        else
            draw_domain_row(app, window, y, area, columns, &app->snapshot.domains[row->domain],
                            index == selected);
    }
    /* No domain row at all: say why under the host lines, if there is room. */
    if (domain_list_domain_count(app->domains) == 0 && count < visible) {
        const char *hint = domain_list_filter(app->domains)[0]
                               ? "no domain matches the filter (Esc clears it)"
                               : app->snapshot.host_count ? "no domains yet" : "";
        draw_text(window, area.top + 1 + (int)count, area.left + 2, area.width - 2,
                  THEME_HELP_TEXT, hint, 0);
    }
    /* Scroll hints when rows are hidden above or below. */
    if (app->table_scroll > 0)
        draw_text(window, area.top + 1, area.left + area.width - 1, 1, THEME_TABLE_HEADER,
                  ui_glyphs()->up, 0);
    if (app->table_scroll + visible < count)
        draw_text(window, area.top + area.height - 1, area.left + area.width - 1, 1,
                  THEME_TABLE_HEADER, ui_glyphs()->down, 0);
}

size_t domain_table_row_at(const App *app, int y)
{
    UiRect area = app->layout.table;
    int first = area.top + 1;
    if (y < first || y >= area.top + area.height)
        return SIZE_MAX;
    size_t index = app->table_scroll + (size_t)(y - first);
    return index < domain_list_count(app->domains) ? index : SIZE_MAX;
}
