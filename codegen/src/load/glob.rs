//! Shell-style globs for plugin `predefined` lists: `*` and `?` never cross `/`, `[...]` is a
//! character class (`[!...]` or `[^...]` negated). Hidden names are not matched by wildcards.

/// Whether `path` (relative, `/`-separated) matches `pattern`.
pub fn matches(pattern: &str, path: &str) -> bool {
    let pattern = pattern.strip_prefix("./").unwrap_or(pattern);
    let pattern_parts: Vec<&str> = pattern.split('/').filter(|p| !p.is_empty()).collect();
    let path_parts: Vec<&str> = path.split('/').collect();
    pattern_parts.len() == path_parts.len()
        && pattern_parts.iter().zip(&path_parts).all(|(p, s)| {
            let hidden_ok = !s.starts_with('.') || p.starts_with('.');
            hidden_ok
                && segment(
                    &p.chars().collect::<Vec<_>>(),
                    &s.chars().collect::<Vec<_>>(),
                )
        })
}

fn segment(p: &[char], s: &[char]) -> bool {
    // Iterative matching with backtracking on the last `*`.
    let (mut pi, mut si) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        let step = match p.get(pi) {
            Some('*') => {
                star = Some((pi, si));
                pi += 1;
                continue;
            }
            Some('?') => Some(1),
            Some('[') => class(&p[pi..], s[si]),
            Some(c) if *c == s[si] => Some(1),
            _ => None,
        };
        match step {
            Some(len) => {
                pi += len;
                si += 1;
            }
            None => match star {
                Some((sp, ss)) => {
                    pi = sp + 1;
                    si = ss + 1;
                    star = Some((sp, ss + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// Matches `c` against a class at the start of `p`; returns the class length when it matches.
/// An unclosed `[` is a literal character.
fn class(p: &[char], c: char) -> Option<usize> {
    let mut i = 1;
    let negated = matches!(p.get(i), Some('!') | Some('^'));
    if negated {
        i += 1;
    }
    let mut hit = false;
    let mut first = true;
    while let Some(&pc) = p.get(i) {
        if pc == ']' && !first {
            return (hit != negated).then_some(i + 1);
        }
        first = false;
        if p.get(i + 1) == Some(&'-') && p.get(i + 2).is_some_and(|e| *e != ']') {
            if let Some(&end) = p.get(i + 2) {
                hit |= pc <= c && c <= end;
            }
            i += 3;
        } else {
            hit |= pc == c;
            i += 1;
        }
    }
    (c == '[').then_some(1)
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn star_does_not_cross_slash() {
        assert!(matches("models/llm/*.yaml", "models/llm/gpt-4o.yaml"));
        assert!(matches("models/llm/*.yaml", "models/llm/_position.yaml"));
        assert!(!matches("models/llm/*.yaml", "models/llm/old/gpt.yaml"));
        assert!(!matches("models/*.yaml", "models/llm/gpt.yaml"));
        assert!(!matches("models/llm/*.yaml", "models/llm/gpt.yml"));
        assert!(!matches("models/llm/*.yaml", "models/llm/.hidden.yaml"));
        assert!(matches("./models/*/*.yaml", "models/tts/a.yaml"));
    }

    #[test]
    fn question_mark_and_classes() {
        assert!(matches("m/gpt-?.yaml", "m/gpt-4.yaml"));
        assert!(matches("m/[a-c]*.yaml", "m/b1.yaml"));
        assert!(!matches("m/[!a-c]*.yaml", "m/b1.yaml"));
        assert!(matches("m/[.yaml", "m/[.yaml"));
        assert!(matches("m/*a*b*.yaml", "m/xxaxxbxx.yaml"));
        assert!(!matches("m/*a*b*.yaml", "m/xxbxxaxx.yaml"));
    }
}
