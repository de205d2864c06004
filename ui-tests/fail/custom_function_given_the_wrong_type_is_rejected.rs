include!("../models.rs");

use dorm::expressions::functions::*;

dorm::function!(pub LevenshteinLikeZeus = "levenshtein"(Text, Text) -> Integer);

fn main() {
    // `age` is an integer, and levenshtein was declared over two texts.
    let _ = annotate!(Person::objects(), distance = LevenshteinLikeZeus(name, age));
}
