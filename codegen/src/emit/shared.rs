//! Tables shared across providers: identical parameter-rule lists and feature lists (models of
//! one family repeat them verbatim) are emitted once, as private slice constants of the
//! `providers` module, and every model row points at them. This keeps the generated code
//! proportional to what is distinct, not to the number of models. The constants are typed as
//! slices, so a row takes one as it is: a `&[..; N]` in each row would cost rustc an unsized
//! coercion per row, which was measured at about a tenth of the generated code's check time.
//!
//! The names are planned in one pass over every model before any module is emitted, so the
//! provider modules can then be emitted independently (on several threads) and still agree.

use std::collections::HashMap;

use crate::emit::text::{Text, Written};
use crate::emit::EmitError;
use crate::ir::Model;

/// What a shared array holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SharedArray {
    /// A model's feature list (`FEATURES_n`).
    Features,
    /// A model's parameter rules (`RULES_n`).
    Rules,
}

impl SharedArray {
    fn prefix(self) -> &'static str {
        match self {
            SharedArray::Features => "FEATURES",
            SharedArray::Rules => "RULES",
        }
    }

    /// Writes a string identifying the content exactly into `key`.
    fn key(self, model: &Model, key: &mut String) {
        use std::fmt::Write as _;
        key.clear();
        // Writing into a `String` cannot fail.
        let _ = match self {
            SharedArray::Features => write!(key, "{:?}", model.features),
            SharedArray::Rules => write!(key, "{:?}", model.parameter_rules),
        };
    }
}

/// One shared slice constant: its name and the first model declaring its content.
#[derive(Debug)]
struct Entry<'a> {
    name: String,
    kind: SharedArray,
    model: &'a Model,
}

/// The interned arrays, in first-use order (so names are deterministic).
#[derive(Debug, Default)]
pub struct Shared<'a> {
    entries: Vec<Entry<'a>>,
    /// Each planned model's entries, by the model's address (the models are borrowed for
    /// `'a`, so addresses are stable), so emission need not rebuild the content keys.
    by_model: HashMap<(SharedArray, usize), usize>,
}

fn address(model: &Model) -> usize {
    std::ptr::from_ref(model) as usize
}

impl<'a> Shared<'a> {
    /// Names every distinct feature list and rule list of `models` (the empty ones too), in
    /// this order.
    pub fn plan(models: impl IntoIterator<Item = &'a Model>) -> Self {
        let mut shared = Shared::default();
        // One map per kind, keyed by content; the key is built in one reused buffer and only
        // copied for content not seen before.
        let mut by_key: [HashMap<String, usize>; 2] = Default::default();
        let mut key = String::new();
        for model in models {
            for (kind, seen) in [SharedArray::Features, SharedArray::Rules]
                .into_iter()
                .zip(&mut by_key)
            {
                kind.key(model, &mut key);
                let index = match seen.get(key.as_str()) {
                    Some(&index) => index,
                    None => {
                        let index = shared.entries.len();
                        seen.insert(key.clone(), index);
                        shared.entries.push(Entry {
                            name: format!("{}_{index}", kind.prefix()),
                            kind,
                            model,
                        });
                        index
                    }
                };
                shared.by_model.insert((kind, address(model)), index);
            }
        }
        shared
    }

    /// Writes the path of the shared constant holding `model`'s content of `kind`
    /// (`super::RULES_3`).
    pub fn reference(&self, t: &mut Text, kind: SharedArray, model: &Model) -> Written {
        let entry = self
            .by_model
            .get(&(kind, address(model)))
            .and_then(|&index| self.entries.get(index))
            .ok_or_else(|| {
                EmitError::new(format!(
                    "{} of model `{}` were not planned",
                    kind.prefix(),
                    model.id
                ))
                .in_file(&model.source)
            })?;
        t.push("super::").push(&entry.name);
        Ok(())
    }

    /// Writes the `const` items, to be placed in the `providers` module (at `t`'s depth).
    /// `element` is the element type of a kind, `items` writes a model's content of a kind.
    pub fn constants(
        &self,
        t: &mut Text,
        element: impl Fn(SharedArray) -> &'static str,
        items: impl Fn(&mut Text, SharedArray, &Model) -> Written,
    ) -> Written {
        for entry in &self.entries {
            t.indent().push("const ").push(&entry.name).push(": &[");
            t.push(element(entry.kind)).push("] = &");
            items(t, entry.kind, entry.model).map_err(|e| e.in_file(&entry.model.source))?;
            t.push(";\n");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{ConfigurateMethod, I18n, ModelFeature, ModelProperties, ModelType};

    fn model(id: &str, features: &[ModelFeature]) -> Model {
        Model {
            id: id.into(),
            rust_ident: id.into(),
            label: I18n {
                en_us: id.into(),
                others: vec![],
            },
            model_type: ModelType::Llm,
            features: features.to_vec(),
            fetch_from: ConfigurateMethod::PredefinedModel,
            properties: ModelProperties::default(),
            parameter_rules: vec![],
            pricing: None,
            deprecated: false,
            extra_modelrt: vec![],
            source: format!("p/llm/{id}.yaml"),
        }
    }

    #[test]
    fn identical_content_is_emitted_once() {
        let a = model("a", &[ModelFeature::ToolCall]);
        let b = model("b", &[ModelFeature::ToolCall]);
        let c = model("c", &[ModelFeature::Vision]);
        let none = model("none", &[]);
        let shared = Shared::plan([&a, &none, &b, &c]);
        let reference = |m: &Model| {
            let mut t = Text::new(0);
            shared.reference(&mut t, SharedArray::Features, m).unwrap();
            t.into_string()
        };
        assert_eq!(reference(&a), reference(&b));
        assert_eq!(reference(&a), "super::FEATURES_0");
        assert_eq!(reference(&none), "super::FEATURES_2");
        assert_eq!(reference(&c), "super::FEATURES_3");
        let mut t = Text::new(1);
        shared
            .constants(
                &mut t,
                |_| "&str",
                |t, _, m| {
                    t.push("[").str(&m.id).push("]");
                    Ok(())
                },
            )
            .unwrap();
        assert_eq!(
            t.into_string(),
            "    const FEATURES_0: &[&str] = &[\"a\"];\n    const RULES_1: &[&str] = &[\"a\"];\n    \
             const FEATURES_2: &[&str] = &[\"none\"];\n    const FEATURES_3: &[&str] = &[\"c\"];\n"
        );
    }
}
