//! The text field's editing, wrapping and undo.

use super::*;

#[test]
fn wide_characters_move_the_cursor_by_two_columns() {
    let mut t = TextInput::with_text(false, "数据库ab");
    assert_eq!(t.cursor_position(40), (0, 8));
    t.left();
    t.left();
    t.left();
    assert_eq!(t.cursor_position(40), (0, 4));
    t.backspace();
    assert_eq!(t.text(), "数库ab");
    t.insert("据");
    assert_eq!(t.text(), "数据库ab");
}

#[test]
fn paste_normalises_line_ends_and_one_line_fields_get_spaces() {
    let mut one = TextInput::new(false);
    one.insert("a\r\nb\tc\u{7}");
    assert_eq!(one.text(), "a b c");
    let mut many = TextInput::new(true);
    many.insert("a\r\nb\rc");
    assert_eq!(many.text(), "a\nb\nc");
}

#[test]
fn wrapping_never_splits_a_wide_character() {
    let t = TextInput::with_text(true, "abc数据\nx");
    let rows: Vec<String> = t.rows(4).into_iter().map(|r| t.row_text(r)).collect();
    assert_eq!(rows, ["abc", "数据", "x"]);
    assert_eq!(t.cursor_position(4), (2, 1));
}

#[test]
fn the_cursor_steps_over_whole_grapheme_clusters() {
    // e + combining acute, then a family emoji joined by zero-width joiners.
    let family = "\u{1f468}\u{200d}\u{1f469}\u{200d}\u{1f467}";
    let mut t = TextInput::with_text(false, &format!("e\u{301}数{family}x"));
    t.left();
    t.left();
    assert_eq!(t.cursor(), 3, "before the family, not inside it");
    t.backspace();
    assert_eq!(t.text(), format!("e\u{301}{family}x"));
    t.left();
    assert_eq!(t.cursor(), 0, "the accent goes with its letter");
    t.delete();
    assert_eq!(t.text(), format!("{family}x"));
    t.delete();
    assert_eq!(t.text(), "x");
    t.right();
    t.right();
    assert_eq!(t.cursor(), 1);
}

#[test]
fn wrapping_and_vertical_moves_keep_clusters_whole() {
    let family = "\u{1f468}\u{200d}\u{1f469}";
    let t = TextInput::with_text(true, &format!("ab{family}c"));
    // The family is four columns here (each person two): it moves whole to the next row.
    let rows: Vec<String> = t.rows(4).into_iter().map(|r| t.row_text(r)).collect();
    assert_eq!(rows, ["ab", family, "c"]);
    let mut t = TextInput::with_text(true, &format!("{family}z\nabcdef"));
    t.home();
    t.right();
    t.right();
    assert!(t.up());
    // Column 2 on the line above falls inside the family: the cursor stops before it.
    assert_eq!(t.cursor(), 0);
}

#[test]
fn undo_goes_back_a_word_a_deletion_or_a_paste_at_a_time() {
    let mut t = TextInput::with_text(true, "原因:");
    for c in "磁盘 已满".chars() {
        t.insert(c.encode_utf8(&mut [0; 4]));
    }
    t.insert("\n日志未轮转");
    t.backspace();
    t.backspace();
    assert_eq!(t.text(), "原因:磁盘 已满\n日志未");
    assert!(t.undo(), "both backspaces");
    assert_eq!(t.text(), "原因:磁盘 已满\n日志未轮转");
    assert!(t.undo(), "the paste");
    assert_eq!(t.text(), "原因:磁盘 已满");
    assert!(t.undo(), "the last word typed");
    assert_eq!(t.text(), "原因:磁盘 ");
    assert!(t.undo(), "the space");
    assert!(t.undo(), "the first word");
    assert_eq!((t.text().as_str(), t.cursor()), ("原因:", 3));
    assert!(!t.undo(), "never past the prefilled text");
    assert_eq!(t, TextInput::with_text(true, "原因:"));

    // Moving ends a run; Ctrl-U is a step of its own.
    let mut t = TextInput::with_text(false, "");
    t.insert("a");
    t.left();
    t.insert("b");
    t.end();
    t.kill_to_start();
    assert_eq!(t.text(), "");
    assert!(t.undo());
    assert_eq!(t.text(), "ba");
    assert!(t.undo());
    assert_eq!((t.text().as_str(), t.cursor()), ("a", 0));
}

#[test]
fn up_and_down_keep_the_display_column() {
    let mut t = TextInput::with_text(true, "原因一\nabcdef");
    assert!(t.up());
    assert_eq!(t.cursor(), 3);
    t.home();
    t.right();
    assert!(t.down());
    assert_eq!(t.cursor(), 6);
    assert!(!t.down());
    t.kill_to_start();
    assert_eq!(t.text(), "原因一\ncdef");
}
