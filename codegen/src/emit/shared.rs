//! Tables shared across providers: identical parameter-rule lists and feature lists (models of
//! one family repeat them verbatim) are emitted once, as private statics of the `providers`
//! module, and every model row points at them. This keeps the generated code proportional to
//! what is distinct, not to the number of models.
//!
//! The names are planned in one pass over every model before any module is emitted, so the
//! provider modules can then be emitted independently (on several threads) and still agree.

use std::collections::HashMap;

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::names::ident;
use crate::emit::EmitError;
use crate::ir::Model;

/// What a shared array holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A model's feature list (`FEATURES_n`).
    Features,
    /// A model's parameter rules (`RULES_n`).
    Rules,
}

impl Kind {
    fn prefix(self) -> &'static str {
        match self {
            Kind::Features => "FEATURES",
            Kind::Rules => "RULES",
        }
    }

    /// Whether `model` has no content of this kind (emitted as `&[]`, not shared).
    fn is_empty(self, model: &Model) -> bool {
        match self {
            Kind::Features => model.features.is_empty(),
            Kind::Rules => model.parameter_rules.is_empty(),
        }
    }

    /// A string identifying the content exactly; `None` when there is none.
    fn key(self, model: &Model) -> Option<String> {
        match self {
            _ if self.is_empty(model) => None,
            Kind::Features => Some(format!("{:?}", model.features)),
            Kind::Rules => Some(format!("{:?}", model.parameter_rules)),
        }
    }
}

/// One shared static array: its name and the first model declaring its content.
#[derive(Debug)]
struct Entry<'a> {
    name: String,
    kind: Kind,
    model: &'a Model,
}

/// The interned arrays, in first-use order (so names are deterministic).
#[derive(Debug, Default)]
pub struct Shared<'a> {
    entries: Vec<Entry<'a>>,
    /// Each planned model's entries, by the model's address (the models are borrowed for
    /// `'a`, so addresses are stable), so emission need not rebuild the content keys.
    by_model: HashMap<(Kind, usize), usize>,
}

fn address(model: &Model) -> usize {
    std::ptr::from_ref(model) as usize
}

impl<'a> Shared<'a> {
    /// Names every distinct non-empty feature list and rule list of `models`, in this order.
    pub fn plan(models: impl IntoIterator<Item = &'a Model>) -> Self {
        let mut shared = Shared::default();
        let mut by_key: HashMap<(Kind, String), usize> = HashMap::new();
        for model in models {
            for kind in [Kind::Features, Kind::Rules] {
                let Some(key) = kind.key(model) else { continue };
                let next = shared.entries.len();
                let index = *by_key.entry((kind, key)).or_insert(next);
                if index == next {
                    shared.entries.push(Entry {
                        name: format!("{}_{next}", kind.prefix()),
                        kind,
                        model,
                    });
                }
                shared.by_model.insert((kind, address(model)), index);
            }
        }
        shared
    }

    /// A reference to the shared array holding `model`'s content of `kind` (`&[]` when empty).
    pub fn reference(&self, kind: Kind, model: &Model) -> Result<TokenStream, EmitError> {
        if kind.is_empty(model) {
            return Ok(quote!(&[]));
        }
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
        let name = ident(&entry.name);
        Ok(quote!(&super::#name))
    }

    /// The `static` items, to be placed in the `providers` module. `items` gives the element
    /// type and the elements of a model's content of a kind.
    pub fn statics(
        &self,
        items: impl Fn(Kind, &Model) -> Result<(TokenStream, Vec<TokenStream>), EmitError>,
    ) -> Result<TokenStream, EmitError> {
        let mut statics = Vec::with_capacity(self.entries.len());
        for entry in &self.entries {
            let name = ident(&entry.name);
            let (element, items) =
                items(entry.kind, entry.model).map_err(|e| e.in_file(&entry.model.source))?;
            let len = items.len();
            statics.push(quote!(static #name: [#element; #len] = [#(#items),*];));
        }
        Ok(quote!(#(#statics)*))
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
        let reference = |m: &Model| shared.reference(Kind::Features, m).unwrap().to_string();
        assert_eq!(reference(&a), reference(&b));
        assert_eq!(reference(&c), "& super :: FEATURES_1");
        assert_eq!(reference(&none), "& []");
        let statics = shared
            .statics(|_, m| {
                let id = &m.id;
                Ok((quote!(&str), vec![quote!(#id)]))
            })
            .unwrap()
            .to_string();
        assert_eq!(statics.matches("static").count(), 2, "{statics}");
        assert!(
            statics.contains("\"a\"") && !statics.contains("\"b\""),
            "{statics}"
        );
    }
}
