//! Raw scraped article text in, [`NormalizedArticle`] out. Pure functions, no I/O.

mod article;

pub use article::*;
