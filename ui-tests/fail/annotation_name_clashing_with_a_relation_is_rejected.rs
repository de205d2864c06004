// Django: ValueError: The annotation 'entry' conflicts with a field on the model.
include!("../blog_models.rs");

fn main() {
    let _ = dorm::annotate!(Blog::objects(), entry = Count(entry));
}
