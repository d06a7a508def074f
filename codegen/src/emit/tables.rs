//! The static catalog rows of one provider (DESIGN.md "tables, not code"): `PROVIDER`, its
//! credential forms and its models, as plain data of `modelrt_runtime::catalog` types, written
//! as formatted text (see [`crate::emit::text`]).

use crate::emit::literals::{float, i18n, price, price_parts, string, translations};
use crate::emit::models::TypeGroup;
use crate::emit::shared::{Shared, SharedArray};
use crate::emit::text::{Text, Written};
use crate::ir::{
    Callability, ConfigurateMethod, CredentialForm, DefaultValue, FormOption, LlmMode, Model,
    ModelProperties, ModelType, ParameterRule, Pricing, Provider, ShowOn, Voice,
};

/// Name of the static array of provider credential forms.
pub const PROVIDER_FORMS: &str = "PROVIDER_CREDENTIAL_FORMS";
/// Name of the static array of model credential forms.
pub const MODEL_FORMS: &str = "MODEL_CREDENTIAL_FORMS";
/// Name of the static array of models.
pub const MODELS: &str = "MODELS";

/// Writes `PROVIDER` and the arrays it points into, as items at `t`'s depth.
pub fn provider_tables(
    t: &mut Text,
    provider: &Provider,
    groups: &[TypeGroup],
    shared: &Shared<'_>,
) -> Written {
    t.doc("The provider's catalog row.");
    t.indent()
        .push("pub static PROVIDER: catalog::ProviderInfo = ");
    t.block("catalog::ProviderInfo", |t| provider_fields(t, provider))?;
    t.push(";\n");

    forms_array(t, PROVIDER_FORMS, &provider.provider_credentials)?;
    if let Some(schema) = &provider.model_credential_schema {
        forms_array(t, MODEL_FORMS, &schema.forms)?;
    }

    let count: usize = groups.iter().map(|g| g.models.len()).sum();
    t.doc("Every predefined model, grouped by model type, each group in position order.");
    t.indent()
        .push("static ")
        .push(MODELS)
        .push(": [catalog::ModelInfo; ");
    t.display(count).push("usize] = ");
    t.rows(groups.iter().flat_map(|g| g.models.iter()), |t, model| {
        model_row(t, model, shared).map_err(|e| e.in_file(&model.source))
    })?;
    t.push(";\n");
    Ok(())
}

/// The fields of `PROVIDER`, in the order of `catalog::ProviderInfo`.
fn provider_fields(t: &mut Text, provider: &Provider) -> Written {
    presentation_fields(t, provider)?;
    t.field("supported_model_types", |t| {
        variants(
            t,
            "ModelType",
            &provider.supported_model_types,
            ModelType::variant_name,
        )
    })?;
    t.field("configurate_methods", |t| {
        let methods = &provider.configurate_methods;
        variants(
            t,
            "ConfigurateMethod",
            methods,
            ConfigurateMethod::variant_name,
        )
    })?;
    credential_fields(t, provider)?;
    t.field("models", |t| {
        t.push("&").push(MODELS);
        Ok(())
    })?;
    t.field("extra", |t| extra(t, &provider.extra_modelrt))?;
    t.field("callability", |t| {
        match provider.callability() {
            Callability::Protocol(p) => t.push("catalog::Callability::Protocol(").str(p).push(")"),
            Callability::RustImpl => t.push("catalog::Callability::RustImpl"),
            Callability::CatalogOnly => t.push("catalog::Callability::CatalogOnly"),
        };
        Ok(())
    })?;
    t.field("source", |t| string(t, &provider.source))
}

/// What a UI shows of the provider: id, label, description, icons, colour and help link.
fn presentation_fields(t: &mut Text, provider: &Provider) -> Written {
    t.field("id", |t| string(t, &provider.id))?;
    t.field("label", |t| i18n(t, &provider.label))?;
    t.field("description", |t| {
        t.option(provider.description.as_ref(), i18n)
    })?;
    t.field("icon_small", |t| {
        t.option(provider.icon_small.as_ref(), i18n)
    })?;
    t.field("icon_large", |t| {
        t.option(provider.icon_large.as_ref(), i18n)
    })?;
    t.field("background", |t| {
        t.option(provider.background.as_ref(), string)
    })?;
    t.field("help", |t| {
        t.option(provider.help.as_ref(), |t, help| {
            t.block("catalog::ProviderHelp", |t| {
                t.field("title", |t| i18n(t, &help.title))?;
                t.field("url", |t| i18n(t, &help.url))
            })
        })
    })
}

/// The provider's credential forms and, for customizable models, the model's.
fn credential_fields(t: &mut Text, provider: &Provider) -> Written {
    t.field("provider_credentials", |t| {
        t.push("&").push(PROVIDER_FORMS);
        Ok(())
    })?;
    t.field("model_credential_schema", |t| {
        t.option(provider.model_credential_schema.as_ref(), |t, schema| {
            t.block("catalog::ModelCredentialSchema", |t| {
                t.field("model_label", |t| i18n(t, &schema.model_label))?;
                t.field("model_placeholder", |t| {
                    t.option(schema.model_placeholder.as_ref(), i18n)
                })?;
                t.field("forms", |t| {
                    t.push("&").push(MODEL_FORMS);
                    Ok(())
                })
            })
        })
    })
}

/// `catalog::<ty>::<variant>`.
fn variant(t: &mut Text, ty: &str, variant: &str) -> Written {
    t.push("catalog::").push(ty).push("::").push(variant);
    Ok(())
}

/// `&[catalog::<ty>::<variant>, ..]` of `values`, each named by `variant_name`.
fn variants<T: Copy>(
    t: &mut Text,
    ty: &str,
    values: &[T],
    variant_name: fn(T) -> &'static str,
) -> Written {
    t.push("&");
    t.array(values, |t, value| variant(t, ty, variant_name(*value)))
}

/// `static NAME: [CredentialForm; N] = [..];`
fn forms_array(t: &mut Text, name: &str, forms: &[CredentialForm]) -> Written {
    t.doc("Credential form fields, in declaration order.");
    t.indent()
        .push("static ")
        .push(name)
        .push(": [catalog::CredentialForm; ");
    t.display(forms.len()).push("usize] = ");
    t.rows(forms, form_row)?;
    t.push(";\n");
    Ok(())
}

/// `&[catalog::ShowOn { variable: "..", value: ".." }, ..]`
fn show_on(t: &mut Text, conditions: &[ShowOn]) -> Written {
    t.push("&");
    t.array(conditions, |t, c| {
        t.push("catalog::ShowOn { variable: ").str(&c.variable);
        t.push(", value: ").str(&c.value).push(" }");
        Ok(())
    })
}

fn form_row(t: &mut Text, form: &CredentialForm) -> Written {
    t.block("catalog::CredentialForm", |t| {
        t.field("variable", |t| string(t, &form.variable))?;
        t.field("label", |t| i18n(t, &form.label))?;
        t.field("form_type", |t| {
            variant(t, "FormType", form.form_type.variant_name())
        })?;
        t.field("required", |t| {
            t.display(form.required);
            Ok(())
        })?;
        t.field("default", |t| t.option(form.default.as_ref(), string))?;
        t.field("options", |t| {
            t.push("&");
            t.rows(&form.options, option_row)
        })?;
        t.field("placeholder", |t| t.option(form.placeholder.as_ref(), i18n))?;
        t.field("max_length", |t| {
            t.display(form.max_length).push("u32");
            Ok(())
        })?;
        t.field("show_on", |t| show_on(t, &form.show_on))
    })
}

fn option_row(t: &mut Text, option: &FormOption) -> Written {
    t.block("catalog::FormOption", |t| {
        t.field("value", |t| string(t, &option.value))?;
        t.field("label", |t| i18n(t, &option.label))?;
        t.field("show_on", |t| show_on(t, &option.show_on))
    })
}

/// A model's row: the call `rt::model(..)` (or `rt::priced_model`, `rt::input_priced_model`)
/// where it fits, else the struct literal.
fn model_row(t: &mut Text, model: &Model, shared: &Shared<'_>) -> Written {
    if fits_compact_row(model) {
        compact_row(t, model, shared)
    } else {
        full_row(t, model, shared)
    }
}

fn full_row(t: &mut Text, model: &Model, shared: &Shared<'_>) -> Written {
    t.block("catalog::ModelInfo", |t| {
        t.field("id", |t| string(t, &model.id))?;
        t.field("label", |t| i18n(t, &model.label))?;
        t.field("model_type", |t| {
            variant(t, "ModelType", model.model_type.variant_name())
        })?;
        t.field("features", |t| {
            shared.reference(t, SharedArray::Features, model)
        })?;
        t.field("fetch_from", |t| {
            variant(t, "ConfigurateMethod", model.fetch_from.variant_name())
        })?;
        t.field("properties", |t| properties(t, &model.properties))?;
        t.field("parameter_rules", |t| {
            shared.reference(t, SharedArray::Rules, model)
        })?;
        t.field("pricing", |t| t.option(model.pricing.as_ref(), pricing))?;
        t.field("deprecated", |t| {
            t.display(model.deprecated);
            Ok(())
        })?;
        t.field("extra", |t| extra(t, &model.extra_modelrt))?;
        t.field("source", |t| string(t, &model.source))
    })
}

/// `extra.modelrt` as a slice of `(key, value)` pairs.
fn extra(t: &mut Text, pairs: &[(String, String)]) -> Written {
    t.push("&");
    t.array(pairs, |t, (key, value)| {
        t.push("(").str(key).push(", ").str(value).push(")");
        Ok(())
    })
}

/// Whether `model`'s row can be the call `rt::model(..)` or its priced forms: a predefined
/// model without `extra.modelrt` whose properties are at most mode and nonzero context size
/// and max chunks.
fn fits_compact_row(model: &Model) -> bool {
    let p = &model.properties;
    let within = ModelProperties {
        mode: p.mode,
        context_size: p.context_size,
        max_chunks: p.max_chunks,
        ..ModelProperties::default()
    };
    model.fetch_from == ConfigurateMethod::PredefinedModel
        && model.extra_modelrt.is_empty()
        && *p == within
        && p.context_size != Some(0)
        && p.max_chunks != Some(0)
}

/// `rt::model(id, label, translations, type, features, mode, context_size, max_chunks, rules,
/// deprecated, source)` on one line, with `input, output, unit, currency` after them for
/// `rt::priced_model` (`input, unit, currency` for `rt::input_priced_model`): the same row as
/// the struct literal, with plain literals and paths only (see `__private::model` for why).
fn compact_row(t: &mut Text, model: &Model, shared: &Shared<'_>) -> Written {
    let p = &model.properties;
    t.push(match &model.pricing {
        None => "rt::model(",
        Some(pricing) if pricing.output.is_some() => "rt::priced_model(",
        Some(_) => "rt::input_priced_model(",
    });
    t.str(&model.id).push(", ");
    t.str(&model.label.en_us).push(", ");
    translations(t, &model.label.others)?;
    t.push(", catalog::ModelType::")
        .push(model.model_type.variant_name())
        .push(", ");
    shared.reference(t, SharedArray::Features, model)?;
    t.push(match p.mode {
        None => ", rt::NO_MODE, ",
        Some(LlmMode::Chat) => ", rt::CHAT, ",
        Some(LlmMode::Completion) => ", rt::COMPLETION, ",
    });
    t.display(p.context_size.unwrap_or(0)).push(", ");
    t.display(p.max_chunks.unwrap_or(0)).push(", ");
    shared.reference(t, SharedArray::Rules, model)?;
    t.push(", ").display(model.deprecated).push(", ");
    t.str(&model.source);
    if let Some(pricing) = &model.pricing {
        for declared in std::iter::once(&pricing.input).chain(&pricing.output) {
            t.push(", ");
            price_parts(t, declared)?;
        }
        t.push(", ");
        price_parts(t, &pricing.unit)?;
        t.push(", ").str(&pricing.currency);
    }
    t.push(")");
    Ok(())
}

/// Only the declared keys, the rest from `NO_PROPERTIES`.
fn properties(t: &mut Text, p: &ModelProperties) -> Written {
    const REST: &str = "rt::NO_PROPERTIES";
    let numbers = [
        ("context_size", p.context_size),
        ("max_chunks", p.max_chunks),
        ("file_upload_limit", p.file_upload_limit),
        ("word_limit", p.word_limit),
        ("max_workers", p.max_workers),
        ("max_characters_per_chunk", p.max_characters_per_chunk),
    ];
    let texts = [
        ("supported_file_extensions", &p.supported_file_extensions),
        ("default_voice", &p.default_voice),
        ("audio_type", &p.audio_type),
    ];
    let none_set = p.mode.is_none()
        && numbers.iter().all(|(_, n)| n.is_none())
        && texts.iter().all(|(_, s)| s.is_none())
        && p.voices.is_empty();
    if none_set {
        t.push(REST);
        return Ok(());
    }
    t.block("catalog::ModelProperties", |t| {
        if let Some(mode) = p.mode {
            t.field("mode", |t| {
                t.push("Some(catalog::LlmMode::")
                    .push(mode.variant_name())
                    .push(")");
                Ok(())
            })?;
        }
        for (name, value) in numbers {
            if let Some(n) = value {
                t.field(name, |t| {
                    t.push("Some(").display(n).push("u32)");
                    Ok(())
                })?;
            }
        }
        for (name, value) in texts {
            if let Some(s) = value {
                t.field(name, |t| t.option(Some(s), string))?;
            }
        }
        if !p.voices.is_empty() {
            t.field("voices", |t| {
                t.push("&");
                t.rows(&p.voices, voice)
            })?;
        }
        t.last_line("..").push(REST);
        Ok(())
    })
}

fn pricing(t: &mut Text, p: &Pricing) -> Written {
    t.block("catalog::Pricing", |t| {
        t.field("input", |t| price(t, &p.input))?;
        t.field("output", |t| t.option(p.output.as_deref(), price))?;
        t.field("unit", |t| price(t, &p.unit))?;
        t.field("currency", |t| string(t, &p.currency))
    })
}

fn voice(t: &mut Text, voice: &Voice) -> Written {
    t.push("catalog::Voice { mode: ").str(&voice.mode);
    t.push(", name: ").str(&voice.name).push(", language: &");
    t.list(&voice.language, string)?;
    t.push(" }");
    Ok(())
}

/// The element type of a shared slice (see [`Shared::constants`]).
pub fn shared_element(kind: SharedArray) -> &'static str {
    match kind {
        SharedArray::Features => "catalog::ModelFeature",
        SharedArray::Rules => "catalog::ParameterRule",
    }
}

/// The elements of a shared slice (see [`Shared::constants`]).
pub fn shared_items(t: &mut Text, kind: SharedArray, model: &Model) -> Written {
    match kind {
        SharedArray::Features => t.array(&model.features, |t, feature| {
            variant(t, "ModelFeature", feature.variant_name())
        }),
        SharedArray::Rules => t.rows(&model.parameter_rules, rule_row),
    }
}

fn rule_row(t: &mut Text, rule: &ParameterRule) -> Written {
    t.block("catalog::ParameterRule", |t| {
        t.field("name", |t| string(t, &rule.name))?;
        t.field("use_template", |t| {
            t.option(rule.use_template.as_ref(), string)
        })?;
        t.field("label", |t| i18n(t, &rule.label))?;
        t.field("param_type", |t| {
            variant(t, "ParameterType", rule.param_type.variant_name())
        })?;
        t.field("help", |t| t.option(rule.help.as_ref(), i18n))?;
        t.field("required", |t| {
            t.display(rule.required);
            Ok(())
        })?;
        t.field("default", |t| {
            t.option(rule.default.as_ref(), default_value)
        })?;
        limit_fields(t, rule)
    })
}

/// `catalog::DefaultValue::<Type>(value)`.
fn default_value(t: &mut Text, default: &DefaultValue) -> Written {
    t.push("catalog::DefaultValue::");
    match default {
        DefaultValue::Int(v) => {
            t.push("Int(").display(v).push("i64)");
        }
        DefaultValue::Float(v) => {
            t.push("Float(");
            float(t, *v)?;
            t.push(")");
        }
        DefaultValue::Str(v) => {
            t.push("Str(").str(v).push(")");
        }
        DefaultValue::Bool(v) => {
            t.push("Bool(").display(v).push(")");
        }
    }
    Ok(())
}

/// What a rule allows: `min`, `max`, `precision` and `options`.
fn limit_fields(t: &mut Text, rule: &ParameterRule) -> Written {
    t.field("min", |t| t.option(rule.min, float))?;
    t.field("max", |t| t.option(rule.max, float))?;
    t.field("precision", |t| {
        t.option(rule.precision, |t, p| {
            t.display(p).push("u32");
            Ok(())
        })
    })?;
    t.field("options", |t| {
        t.push("&");
        t.array(&rule.options, string)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::I18n;

    fn embedding(context_size: Option<u32>) -> Model {
        Model {
            id: "e-1".into(),
            rust_ident: "E1".into(),
            label: I18n {
                en_us: "E 1".into(),
                others: vec![("zh_Hans".into(), "嵌入".into())],
            },
            model_type: ModelType::TextEmbedding,
            features: vec![],
            fetch_from: ConfigurateMethod::PredefinedModel,
            properties: ModelProperties {
                context_size,
                max_chunks: Some(16),
                ..ModelProperties::default()
            },
            parameter_rules: vec![],
            pricing: Some(Pricing {
                input: "0.02".into(),
                output: None,
                unit: "0.000001".into(),
                currency: "USD".into(),
            }),
            deprecated: false,
            extra_modelrt: vec![],
            source: "p/text_embedding/e-1.yaml".into(),
        }
    }

    fn row(model: &Model) -> String {
        let shared = Shared::plan([model]);
        let mut t = Text::new(0);
        model_row(&mut t, model, &shared).unwrap();
        t.into_string()
    }

    #[test]
    fn common_rows_are_one_call() {
        assert_eq!(
            row(&embedding(Some(8192))),
            "rt::input_priced_model(\"e-1\", \"E 1\", &[(\"zh_Hans\", \"嵌入\")], \
             catalog::ModelType::TextEmbedding, super::FEATURES_0, rt::NO_MODE, 8192, 16, \
             super::RULES_1, false, \"p/text_embedding/e-1.yaml\", (\"0.02\", 2, 2), \
             (\"0.000001\", 1, 6), \"USD\")"
        );
    }

    #[test]
    fn other_rows_are_written_in_full() {
        // 0 means "not declared" to the row constructors, so a declared 0 is spelled out.
        let zero = row(&embedding(Some(0)));
        assert!(zero.starts_with("catalog::ModelInfo {"), "{zero}");
        assert!(zero.contains("context_size: Some(0u32)"), "{zero}");

        let mut speech = embedding(None);
        speech.properties = ModelProperties {
            file_upload_limit: Some(25),
            ..ModelProperties::default()
        };
        let speech = row(&speech);
        assert!(
            speech.contains("file_upload_limit: Some(25u32)"),
            "{speech}"
        );

        let mut remote = embedding(Some(8192));
        remote.fetch_from = ConfigurateMethod::FetchFromRemote;
        let remote = row(&remote);
        assert!(
            remote.contains("catalog::ConfigurateMethod::FetchFromRemote"),
            "{remote}"
        );

        let mut responses = embedding(Some(8192));
        responses.extra_modelrt = vec![("api".into(), "responses".into())];
        let responses = row(&responses);
        assert!(
            responses.contains("extra: &[(\"api\", \"responses\")]"),
            "{responses}"
        );
    }
}
