include!("../models.rs");

fn main() {
    // Case(When(age__gte=18, then=Value("adult")), default=F("age")): text and a number.
    let _ = dorm::annotate!(
        Person::objects(),
        label = Case(When(age__gte = 18, then = "adult"), default = F(age))
    );
}
