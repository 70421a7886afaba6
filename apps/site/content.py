"""What every content page may link to, and the check a curator's edit must pass: the
same rules `load_content` applies to the files, so an edit saved in the admin can never
break the next load."""

from django.core.exceptions import ValidationError
from django.forms import ModelForm

from apps.cases.models import Case
from apps.core.content_files import IMAGE_RE, NO_IMAGES, LinkTargets, anchors_in, links_in
from apps.core.markup import render_markdown
from apps.lessons.models import GlossaryTerm, Lesson, Source, Theory

# Their admin forms check links and images as load_content checks the files.
CHECKED_IN_ADMIN = (Theory, Lesson, GlossaryTerm, Case)
# The path segment each kind of page lives under.
SECTION = {Lesson: "lessons", Case: "cases", Theory: "theories"}


def link_targets() -> LinkTargets:
    def pages(model):
        return {obj.slug: anchors_in(obj.body_html) for obj in model.objects.all()}

    return LinkTargets(
        {
            "glossary": {
                slug: set() for slug in GlossaryTerm.objects.values_list("slug", flat=True)
            },
            "lessons": pages(Lesson),
            "cases": pages(Case),
            "theories": pages(Theory),
            "sources": {key: set() for key in Source.objects.values_list("key", flat=True)},
        }
    )


def markdown_problems(instance, data: dict) -> dict[str, str]:
    """{field: what is wrong} for the Markdown fields in `data`: a link to a page or
    section that does not exist, or an image (not supported: it would vanish)."""
    targets = link_targets()
    section = SECTION.get(type(instance))
    if section and data.get("slug"):
        # The page being edited links to its own sections as they will be once saved.
        body = data.get("body", getattr(instance, "body", ""))
        targets.targets[section][data["slug"]] = anchors_in(render_markdown(body).html)
    problems = {}
    for field in instance.markdown_fields:
        text = data.get(field) or ""
        if IMAGE_RE.search(text):
            problems[field] = NO_IMAGES[0].upper() + NO_IMAGES[1:] + "."
            continue
        for offset, url in links_in(text):
            problem = targets.problem(url)
            if problem:
                problems[field] = f"Line {offset + 1}: broken link {url}: {problem}."
                break
    return problems


class CheckedContentForm(ModelForm):
    """An admin form whose Markdown passes the content checks before anything is saved."""

    def clean(self):
        cleaned = super().clean()
        for field, problem in markdown_problems(self.instance, cleaned).items():
            self.add_error(field, ValidationError(problem, code="content"))
        return cleaned
