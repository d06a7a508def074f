//! What one provider's files yielded before assembly (duplicates, order, identifiers).

use crate::ir::{Model, ModelType};

use super::position::Entry;
use super::provider::Declaration;
use super::report::Place;

/// A position list for one model type.
#[derive(Debug, Clone)]
pub struct PositionList {
    /// The model type it orders.
    pub model_type: ModelType,
    /// The file, relative.
    pub file: String,
    /// Its entries.
    pub entries: Vec<Entry>,
}

/// One provider's declaration, models and position lists.
#[derive(Debug, Clone)]
pub struct Collected {
    /// The provider declaration.
    pub decl: Declaration,
    /// Every valid model with the place of its `model:` value.
    pub models: Vec<(Model, Place)>,
    /// Position lists.
    pub positions: Vec<PositionList>,
}

impl Collected {
    /// Starts with no models.
    pub fn new(decl: Declaration) -> Self {
        Collected {
            decl,
            models: Vec::new(),
            positions: Vec::new(),
        }
    }
}
