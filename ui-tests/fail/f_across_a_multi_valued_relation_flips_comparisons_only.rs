// Django: Blog.objects.filter(name__contains=F("entry__headline")) joins the entries. dorm
// writes a lookup with F() across a multi-valued relation from the relation's side
// (`entry__headline = F(name)`), which only comparisons allow.
include!("../blog_models.rs");

fn main() {
    let _ = dorm::filter!(Blog::objects(), name__contains = F(entry__headline));
}
