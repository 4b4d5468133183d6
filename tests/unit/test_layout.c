/* The console's layout arithmetic at the sizes the UI tests use (80x24,
 * 120x40) and at the edges: regions must tile the screen without overlap,
 * bars must fill exactly, scales must be "nice", scrolling must keep the
 * selection in view. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "layout.h"

static void assert_inside(UiRect r, int rows, int cols)
{
    assert_true(r.top >= 0);
    assert_true(r.left >= 0);
    assert_true(r.height >= 0);
    assert_true(r.width >= 0);
    assert_true(r.top + r.height <= rows);
    assert_true(r.left + r.width <= cols);
}

static void check_tiles(int rows, int cols, size_t hosts)
{
    ScreenLayout l = layout_screen(rows, cols, hosts);
    assert_false(l.too_small);
    assert_inside(l.header, rows, cols);
    assert_inside(l.table, rows, cols);
    assert_inside(l.detail, rows, cols);
    assert_inside(l.footer, rows, cols);
    assert_int_equal(l.header.top, 0);
    assert_int_equal(l.table.top, l.header.height);
    assert_int_equal(l.footer.top + l.footer.height, rows);
    if (l.side_by_side) {
        assert_int_equal(l.detail.left, l.table.width);
        assert_int_equal(l.table.width + l.detail.width, cols);
        assert_int_equal(l.table.top + l.table.height, l.footer.top);
    } else {
        assert_int_equal(l.detail.top, l.table.top + l.table.height);
        assert_int_equal(l.detail.top + l.detail.height, l.footer.top);
    }
    assert_true(l.table.height >= 5);
    assert_true(l.detail.height >= 10);
}

static void test_screen_sizes_tile(void **state)
{
    (void)state;
    check_tiles(24, 80, 3);
    check_tiles(40, 120, 3);
    check_tiles(24, 80, 1);
    check_tiles(24, 80, 40);   /* many hosts: header is capped */
    check_tiles(60, 200, 3);   /* wide: side by side */
    check_tiles(100, 400, 12);
}

static void test_too_small(void **state)
{
    (void)state;
    assert_true(layout_screen(23, 80, 3).too_small);
    assert_true(layout_screen(24, 79, 3).too_small);
    assert_true(layout_screen(0, 0, 0).too_small);
    assert_false(layout_screen(24, 80, 3).too_small);
}

static void test_header_lines(void **state)
{
    (void)state;
    /* 120 columns hold three hosts on one line; 80 columns two. */
    assert_int_equal(layout_screen(40, 120, 3).header.height, 2);
    assert_int_equal(layout_screen(24, 80, 3).header.height, 3);
    /* 40 hosts on 24 rows: at most rows/8 host lines. */
    assert_int_equal(layout_screen(24, 80, 40).header.height, 1 + 3);
    /* No host yet still leaves a line for "no hosts". */
    assert_int_equal(layout_screen(24, 80, 0).header.height, 2);
}

static void test_table_columns(void **state)
{
    (void)state;
    int widths[] = { 80, 120, 200 };
    for (size_t i = 0; i < 3; i++) {
        TableColumns c = layout_table_columns(widths[i]);
        int used = c.name + c.state + c.vcpus + c.memory + c.sparkline + c.migration + 5;
        assert_true(used <= widths[i]);
        assert_true(c.name >= 12);
        assert_true(c.migration >= 30 || widths[i] < 80);
    }
    /* Narrow: the migration column goes, the name keeps room. */
    TableColumns narrow = layout_table_columns(50);
    assert_int_equal(narrow.migration, 0);
    assert_true(narrow.name >= 8);
}

static void test_detail_layout(void **state)
{
    (void)state;
    ScreenLayout l = layout_screen(24, 80, 3);
    DetailLayout d = layout_detail(l.detail, true);
    assert_int_equal(d.bar_count, 3);
    assert_true(d.graph.height >= 3);
    assert_true(d.stats.width >= 30);
    assert_int_equal(d.graph.width + 1 + d.stats.width, 80);
    assert_int_equal(d.verdict.top + d.verdict.height, l.detail.top + l.detail.height);
    assert_int_equal(d.bars.top + d.bars.height, d.verdict.top);

    DetailLayout idle = layout_detail(l.detail, false);
    assert_int_equal(idle.bar_count, 0);
    assert_int_equal(idle.graph.height, d.graph.height + 3);

    /* A tiny pane gives up bars before the graph. */
    DetailLayout tiny = layout_detail((UiRect){ 0, 0, 8, 80 }, true);
    assert_true(tiny.graph.height >= 3);
    assert_true(tiny.bar_count < 3);
}

static void test_scroll(void **state)
{
    (void)state;
    assert_int_equal(layout_scroll(0, 0, 10, 5), 0);
    assert_int_equal(layout_scroll(12, 0, 10, 30), 3);
    assert_int_equal(layout_scroll(5, 3, 10, 30), 3);    /* visible: unchanged */
    assert_int_equal(layout_scroll(2, 3, 10, 30), 2);
    assert_int_equal(layout_scroll(29, 0, 10, 30), 20);
    /* List shrank below the old scroll offset. */
    assert_int_equal(layout_scroll(3, 15, 10, 12), 2);
    assert_int_equal(layout_scroll(0, 7, 0, 12), 0);
}

static void test_bar_cells(void **state)
{
    (void)state;
    int full, eighths;
    layout_bar_cells(0.0, 10, &full, &eighths);
    assert_int_equal(full, 0); assert_int_equal(eighths, 0);
    layout_bar_cells(1.0, 10, &full, &eighths);
    assert_int_equal(full, 10); assert_int_equal(eighths, 0);
    layout_bar_cells(1.7, 10, &full, &eighths);
    assert_int_equal(full, 10); assert_int_equal(eighths, 0);
    layout_bar_cells(0.5, 10, &full, &eighths);
    assert_int_equal(full, 5); assert_int_equal(eighths, 0);
    layout_bar_cells(0.55, 10, &full, &eighths);
    assert_int_equal(full, 5); assert_int_equal(eighths, 4);
    layout_bar_cells(0.999, 10, &full, &eighths);
    assert_int_equal(full, 9); assert_int_equal(eighths, 7);
    layout_bar_cells(-0.5, 10, &full, &eighths);
    assert_int_equal(full, 0); assert_int_equal(eighths, 0);
    layout_bar_cells(0.0 / 0.0, 10, &full, &eighths);
    assert_int_equal(full, 0);
    layout_bar_cells(0.5, 0, &full, &eighths);
    assert_int_equal(full, 0);
    /* Monotone: a larger fraction never draws fewer eighths. */
    int previous = -1;
    for (int i = 0; i <= 1000; i++) {
        layout_bar_cells(i / 1000.0, 23, &full, &eighths);
        int total = full * 8 + eighths;
        assert_true(total >= previous);
        assert_true(full + (eighths ? 1 : 0) <= 23);
        previous = total;
    }
}

static void test_nice_scale(void **state)
{
    (void)state;
    assert_true(layout_nice_scale(0.0, 1.0) == 1.0);
    assert_true(layout_nice_scale(95.0, 1.0) == 100.0);
    assert_true(layout_nice_scale(100.0, 1.0) == 100.0);
    assert_true(layout_nice_scale(101.0, 1.0) == 200.0);
    assert_true(layout_nice_scale(3.2, 1.0) == 5.0);
    assert_true(layout_nice_scale(0.3, 1.0) == 1.0);      /* floor */
    assert_true(layout_nice_scale(0.3, 0.0) == 0.5);
    assert_true(layout_nice_scale(1234.0, 10.0) == 2000.0);
    assert_true(layout_nice_scale(-5.0, 10.0) == 10.0);
}

static void test_levels(void **state)
{
    (void)state;
    assert_int_equal(layout_spark_level(0, 100), 0);
    assert_int_equal(layout_spark_level(100, 100), 7);
    assert_int_equal(layout_spark_level(200, 100), 7);
    assert_int_equal(layout_spark_level(50, 100), 4);
    assert_int_equal(layout_spark_level(50, 0), 0);
    assert_int_equal(layout_graph_dots(0, 100, 20), 0);
    assert_int_equal(layout_graph_dots(0.01, 100, 20), 1);   /* visible */
    assert_int_equal(layout_graph_dots(50, 100, 20), 10);
    assert_int_equal(layout_graph_dots(150, 100, 20), 20);
    assert_int_equal(layout_graph_dots(50, 100, 0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_screen_sizes_tile),
        cmocka_unit_test(test_too_small),
        cmocka_unit_test(test_header_lines),
        cmocka_unit_test(test_table_columns),
        cmocka_unit_test(test_detail_layout),
        cmocka_unit_test(test_scroll),
        cmocka_unit_test(test_bar_cells),
        cmocka_unit_test(test_nice_scale),
        cmocka_unit_test(test_levels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
