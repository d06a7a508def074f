//! Writing data items (the catalog tables) straight as formatted Rust text.
//!
//! The tables are most of the generated lines but only literals, paths and struct literals;
//! building them as tokens, parsing those with `syn` and printing them with prettyplease cost
//! more than half of the emitter's time. The layout here is fixed, not width-driven, so it is
//! deterministic by construction: rows (struct literals of catalog types that hold other rows
//! or texts) put one field per line, everything else stays on one line.

use std::fmt::{self, Write as _};

use crate::emit::EmitError;

/// The line width [`Text::array`] keeps to (rustfmt's default).
pub const MAX_WIDTH: usize = 100;

/// What the writers return: only numbers and prices can fail (not finite, not a decimal).
pub type Written = Result<(), EmitError>;

/// A growing piece of source text and the nesting depth of the line being written
/// (four spaces a level, as rustfmt and prettyplease indent).
#[derive(Debug, Default)]
pub struct Text {
    out: String,
    depth: usize,
}

impl Text {
    /// Empty text whose lines start at `depth`.
    pub fn new(depth: usize) -> Self {
        Text {
            out: String::with_capacity(4096),
            depth,
        }
    }

    /// The text written.
    pub fn into_string(self) -> String {
        self.out
    }

    /// Appends `code` as it is.
    pub fn push(&mut self, code: &str) -> &mut Self {
        self.out.push_str(code);
        self
    }

    /// Appends the `Display` form of `value` (numbers, suffixed: `4usize`).
    pub fn display(&mut self, value: impl fmt::Display) -> &mut Self {
        // Writing into a `String` cannot fail.
        let _ = write!(self.out, "{value}");
        self
    }

    /// Appends a string literal for `value` (`Debug` of `str` escapes exactly what a Rust
    /// string literal needs and keeps the rest readable).
    pub fn str(&mut self, value: &str) -> &mut Self {
        let _ = write!(self.out, "{value:?}");
        self
    }

    /// Starts a line: indentation of the current depth.
    pub fn indent(&mut self) -> &mut Self {
        for _ in 0..self.depth {
            self.out.push_str("    ");
        }
        self
    }

    /// `/// ..` lines for `doc`, each at the current depth; the same text prettyplease prints
    /// for [`crate::emit::docs::doc_attrs`].
    pub fn doc(&mut self, doc: &str) -> &mut Self {
        for line in doc.lines() {
            self.indent().push("///");
            let line = line.trim_end_matches(' ');
            if !line.is_empty() {
                self.push(" ").push(line);
            }
            self.push("\n");
        }
        self
    }

    /// `head {`, then `fields` (each written by [`Text::field`] on its own line), then `}`
    /// on a line of its own.
    pub fn block(&mut self, head: &str, fields: impl FnOnce(&mut Self) -> Written) -> Written {
        self.push(head).push(" {");
        self.depth += 1;
        let written = fields(self);
        self.depth -= 1;
        self.push("\n").indent().push("}");
        written
    }

    /// A line `name: value,` inside a [`Text::block`].
    pub fn field(&mut self, name: &str, value: impl FnOnce(&mut Self) -> Written) -> Written {
        self.push("\n").indent().push(name).push(": ");
        value(self)?;
        self.push(",");
        Ok(())
    }

    /// A line of its own inside a [`Text::block`] (such as `..DEFAULTS`), no comma.
    pub fn last_line(&mut self, code: &str) -> &mut Self {
        self.push("\n").indent().push(code)
    }

    /// `[..]` with one `row,` per line, or `[]`.
    pub fn rows<T>(
        &mut self,
        items: impl IntoIterator<Item = T>,
        mut row: impl FnMut(&mut Self, T) -> Written,
    ) -> Written {
        self.push("[");
        self.depth += 1;
        let mut any = false;
        for item in items {
            any = true;
            self.push("\n").indent();
            row(self, item)?;
            self.push(",");
        }
        self.depth -= 1;
        if any {
            self.push("\n").indent();
        }
        self.push("]");
        Ok(())
    }

    /// `[a, b, ..]` on one line.
    pub fn list<T>(
        &mut self,
        items: impl IntoIterator<Item = T>,
        mut item: impl FnMut(&mut Self, T) -> Written,
    ) -> Written {
        self.push("[");
        for (i, value) in items.into_iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            item(self, value)?;
        }
        self.push("]");
        Ok(())
    }

    /// `pub mod name {` and `}` lines around the items `body` writes one level deeper.
    pub fn module(&mut self, name: &str, body: impl FnOnce(&mut Self) -> Written) -> Written {
        self.indent().push("pub mod ").push(name).push(" {\n");
        self.depth += 1;
        let written = body(self);
        self.depth -= 1;
        self.indent().push("}\n");
        written
    }

    /// `[a, b, ..]` on one line if the line stays within [`MAX_WIDTH`] columns (with the `,`
    /// or `;` that follows), else one element per line as [`Text::rows`] writes them.
    pub fn array<T>(
        &mut self,
        items: &[T],
        mut item: impl FnMut(&mut Self, &T) -> Written,
    ) -> Written {
        let start = self.out.len();
        self.list(items, &mut item)?;
        let line_start = self.out[..start].rfind('\n').map_or(0, |i| i + 1);
        if self.out[line_start..].chars().count() < MAX_WIDTH {
            return Ok(());
        }
        self.out.truncate(start);
        self.rows(items, item)
    }

    /// `Some(..)` around what `f` writes, or `None`.
    pub fn option<T>(
        &mut self,
        value: Option<T>,
        f: impl FnOnce(&mut Self, T) -> Written,
    ) -> Written {
        match value {
            Some(value) => {
                self.push("Some(");
                f(self, value)?;
                self.push(")");
            }
            None => {
                self.push("None");
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_break_and_lists_do_not() {
        let mut text = Text::new(1);
        text.indent().push("static X: T = ");
        text.block("T", |t| {
            t.field("a", |t| {
                t.list(["x", "y"], |t, s| {
                    t.str(s);
                    Ok(())
                })
            })?;
            t.field("b", |t| {
                t.rows([1u32, 2], |t, n| {
                    t.display(n);
                    Ok(())
                })
            })?;
            t.field("c", |t| t.rows([0u8; 0], |_, _| Ok(())))?;
            t.field("e", |t| {
                t.array(&["a".repeat(45), "b".repeat(45)], |t, s| {
                    t.str(s);
                    Ok(())
                })
            })?;
            t.field("d", |t| t.option(None::<u8>, |_, _| Ok(())))?;
            t.last_line("..D");
            Ok(())
        })
        .unwrap();
        text.push(";\n");
        let (a, b) = ("a".repeat(45), "b".repeat(45));
        assert_eq!(
            text.into_string(),
            format!("    static X: T = T {{\n        a: [\"x\", \"y\"],\n        b: [\n            1,\n            2,\n        ],\n        c: [],\n        e: [\n            \"{a}\",\n            \"{b}\",\n        ],\n        d: None,\n        ..D\n    }};\n")
        );
    }

    #[test]
    fn strings_are_escaped_literals() {
        let mut text = Text::new(0);
        text.str("a \"quoted\" \\ line\nnext\t\u{0}é");
        assert_eq!(text.into_string(), r#""a \"quoted\" \\ line\nnext\t\0é""#);
    }

    #[test]
    fn docs_read_like_prettyplease() {
        let mut text = Text::new(2);
        text.doc("First line.  \n\nThird.");
        assert_eq!(
            text.into_string(),
            "        /// First line.\n        ///\n        /// Third.\n"
        );
    }
}
