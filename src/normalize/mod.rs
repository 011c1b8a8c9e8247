//! Raw scraped article text in, [`NormalizedArticle`] out. Pure functions, no I/O.

mod article;
mod entities;

pub use article::*;
pub use entities::{extract_entities, transliteration_key, DictionaryEntry, EntityDictionary};
