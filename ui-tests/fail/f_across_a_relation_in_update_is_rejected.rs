// Django: Entry.objects.update(headline=F("blog__name")) raises
// FieldError: Joined field references are not permitted in this query.
include!("../blog_models.rs");

fn main() {
    let _ = dorm::update!(Entry::objects().all(), headline = F(blog__name));
}
