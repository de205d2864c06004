include!("../models.rs");

// Django's gotcha: `reporter.stories_filed = F("stories_filed") + 1` stays on the instance and
// is applied again by every later `save()`. A dorm field holds a plain value, so an F
// expression cannot be assigned to it: use `dorm::update!(person, age = F(age) + 1)`, which
// runs once in the database and refreshes the instance.
fn main() {
    let mut person = Person::default();
    person.age = dorm::F::<dorm::name!(age)>::new() + 1;
    person.age = dorm::F::<dorm::name!(age)>::new();
}
