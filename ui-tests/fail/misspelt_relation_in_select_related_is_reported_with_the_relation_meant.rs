include!("../blog_models.rs");

fn main() {
    let _ = select_related!(Entry::objects(), blgo);
}
