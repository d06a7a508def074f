//! A model's typed parameters, in two forms:
//!
//! - [`Params<M>`], set one parameter at a time: `Params::<models::EchoMini>::new()
//!   .set(echo::param::temperature, 0.2).choose(echo::options::response_format::JsonObject)`.
//!   A parameter the model's YAML does not declare, or an option value its rule does not
//!   list, fails to compile with a message naming the model and its YAML file: the bounds go
//!   through a trait generated per rule set whose `#[diagnostic::on_unimplemented]` says so.
//! - [`ParamsOf<M>`], the generated params struct of the model: one `Option` field per rule,
//!   filled as a struct literal. A wrong field fails too, with rustc's plain "no field" error.
//!
//! Parameter names and option values are types the generated code puts in
//! `<provider>::param` and `<provider>::options`.

use std::fmt;
use std::marker::PhantomData;

use modelrt_runtime::capability::{AnyModel, Model};
use serde_json::{Map, Value};

/// Parameters a handle can be set with (see [`TypedModel::with_params`](super::TypedModel::with_params)):
/// the set values as the JSON object
/// [`ModelHandle::with_params`](crate::registry::ModelHandle::with_params) validates, under
/// the wire names the model's rules declare.
pub trait TypedParams {
    /// The set values, under their wire names.
    fn to_json(&self) -> Map<String, Value>;
}

/// The parameter types a handle of `M` takes: [`Params<M>`] and [`ParamsOf<M>`] for a marker
/// type, a JSON object for a model chosen by enum value ([`AnyModel`]).
#[diagnostic::on_unimplemented(
    message = "`{Self}` are not the parameters of `{M}`",
    label = "parameters of another model",
    note = "a handle of model marker `M` takes `Params<M>` or `ParamsOf<M>` of that marker; a model chosen by enum value takes a JSON object"
)]
pub trait ParamsFor<M>: TypedParams {}

impl TypedParams for Map<String, Value> {
    fn to_json(&self) -> Map<String, Value> {
        self.clone()
    }
}

impl<P> ParamsFor<AnyModel<P>> for Map<String, Value> {}

/// The typed parameters of model marker `M` as a struct: `ParamsOf<openai::models::Gpt54Mini>
/// { max_completion_tokens: Some(300), ..Default::default() }`. Exactly the fields of the model's
/// `parameter_rules` (models with identical rules share it). [`Params<M>`] sets the same
/// values and names the model's YAML file when one is not declared.
pub type ParamsOf<M> = <M as Model>::Params;

/// The params type of a model that declares no parameter (most embedding, rerank and speech
/// models): there is nothing to set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoParams;

impl TypedParams for NoParams {
    fn to_json(&self) -> Map<String, Value> {
        Map::new()
    }
}

impl<M: Model<Params = NoParams>> ParamsFor<M> for NoParams {}

/// A parameter name as a type (`<provider>::param::max_tokens`): the key of [`Params::set`].
pub trait Parameter {
    /// The name the rule declares, sent on the wire.
    const NAME: &'static str;
}

/// One value of a rule's `options` as a type (`<provider>::options::response_format::JsonObject`):
/// the argument of [`Params::choose`].
pub trait OptionValue {
    /// The parameter it is a value of.
    type Parameter: Parameter;
    /// The value as sent on the wire.
    const VALUE: &'static str;
}

/// A value type of a parameter without `options`.
pub trait ParamValue {
    /// The value as JSON.
    fn into_json(self) -> Value;
}

impl ParamValue for i64 {
    fn into_json(self) -> Value {
        self.into()
    }
}

impl ParamValue for f64 {
    fn into_json(self) -> Value {
        self.into()
    }
}

impl ParamValue for bool {
    fn into_json(self) -> Value {
        self.into()
    }
}

impl ParamValue for String {
    fn into_json(self) -> Value {
        self.into()
    }
}

/// The [`Declares::Value`] of a parameter with `options`: it has no value to pass to
/// [`Params::set`]; pick one of its `<provider>::options::<parameter>` with [`Params::choose`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChosenByOption {}

impl ParamValue for ChosenByOption {
    fn into_json(self) -> Value {
        match self {}
    }
}

/// A params struct (one rule set) declares parameter `P`, of type `Value`, for model `M`.
/// Generated per rule set through a trait whose message names the model's YAML file; this
/// message shows only if that one does not.
#[diagnostic::on_unimplemented(
    message = "model `{M}` does not declare the parameter `{P}`",
    note = "the model's parameters are the `parameter_rules` of its YAML file (its marker type's rustdoc names the file)"
)]
pub trait Declares<P, M> {
    /// The value type of the rule: `i64`, `f64`, `bool`, `String`, or [`ChosenByOption`].
    type Value: ParamValue;
}

/// A params struct (one rule set) lists option value `V` in the rule of its parameter, for
/// model `M`. Generated like [`Declares`].
#[diagnostic::on_unimplemented(
    message = "model `{M}` does not accept the option `{V}`",
    note = "the accepted values are the `options` of the rule in the model's YAML file (its marker type's rustdoc names the file)"
)]
pub trait Accepts<V, M> {}

/// The parameters of model marker `M`, set one at a time: each [`set`](Params::set) and
/// [`choose`](Params::choose) compiles only for what the model's YAML `parameter_rules`
/// declare, and otherwise names the model and its YAML file:
///
/// ```text
/// Params::<echo::models::EchoMini>::new()
///     .set(echo::param::temperature, 0.2)
///     .choose(echo::options::response_format::JsonObject)
/// ```
pub struct Params<M> {
    json: Map<String, Value>,
    model: PhantomData<fn() -> M>,
}

impl<M: Model> Params<M> {
    /// No parameter set.
    pub fn new() -> Self {
        Params {
            json: Map::new(),
            model: PhantomData,
        }
    }

    /// Sets `param` (a type of `<provider>::param`) to `value`, of the type its rule
    /// declares (`i64`, `f64`, `bool`, `String`); a parameter with `options` is set with
    /// [`choose`](Params::choose).
    pub fn set<P: Parameter>(
        mut self,
        _param: P,
        value: impl Into<<M::Params as Declares<P, M>>::Value>,
    ) -> Self
    where
        M::Params: Declares<P, M>,
    {
        self.json
            .insert(P::NAME.to_owned(), value.into().into_json());
        self
    }

    /// Sets the parameter of `option` (a type of `<provider>::options::<parameter>`) to it.
    pub fn choose<V: OptionValue>(mut self, _option: V) -> Self
    where
        M::Params: Accepts<V, M>,
    {
        self.json
            .insert(V::Parameter::NAME.to_owned(), Value::from(V::VALUE));
        self
    }
}

impl<M: Model> Default for Params<M> {
    fn default() -> Self {
        Self::new()
    }
}

// By hand: derives would require `M: Clone` / `M: Debug` of the marker type.
impl<M> Clone for Params<M> {
    fn clone(&self) -> Self {
        Params {
            json: self.json.clone(),
            model: PhantomData,
        }
    }
}

impl<M> fmt::Debug for Params<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Params").field(&self.json).finish()
    }
}

impl<M> TypedParams for Params<M> {
    fn to_json(&self) -> Map<String, Value> {
        self.json.clone()
    }
}

impl<M: Model> ParamsFor<M> for Params<M> {}
