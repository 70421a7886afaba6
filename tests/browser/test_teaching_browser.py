"""The teaching area in Chromium, end to end: an instructor writes a quiz with three
kinds of question, previews it, imports GIFT, reorders with the keyboard and creates a
class; a student joins and takes the assigned quiz; the instructor grades the essay,
reads the gradebook and the statistics, and downloads the CSV."""

import re

import pytest
from playwright.sync_api import expect

from apps.classes.models import Class
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GIFT = """\
::imported-1:: Collective security promises help from {=all states ~no one ~one ally}

::imported-2:: In what year did the Crimean War begin? {#1853:0}
"""


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text(f"Account menu for {username}")).to_be_attached()


def add_question(page, kind: str) -> None:
    page.get_by_label("Kind of question").select_option(kind)
    page.get_by_role("button", name="Add question").click()
    expect(page.get_by_role("heading", name=re.compile("New question"))).to_be_focused()


def htmx_settled(page) -> None:
    """Wait for htmx to finish a swap: it wires up the new content while settling (20 ms
    after the swap), and a key pressed on a new button before then posts its form without
    htmx, as if JavaScript were off."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )


def save_question(page, number: int) -> None:
    page.get_by_role("button", name="Save question").click()
    expect(page.locator("#question-status")).to_have_text(f"Saved question {number}.")


def test_an_instructor_teaches_a_class_from_first_question_to_the_csv(
    request, live_server, page, browser, console_errors, ingrid, alice, tmp_path
):
    log_in(page, live_server, "ingrid")
    page.goto(f"{live_server.url}/teach/")
    page.get_by_role("link", name="New quiz").click()
    page.get_by_label("Title").fill("Week 3: regimes")
    page.get_by_label("Status").select_option("Published")
    page.get_by_role("button", name="Create quiz").click()
    expect(page.get_by_role("heading", name="Week 3: regimes")).to_be_visible()
    page.wait_for_load_state()

    # Three kinds, each with its own form, saved in place.
    add_question(page, "Single choice")
    page.get_by_label("Question text").fill("Which view says states must rely on themselves?")
    page.locator("#id_rows-0-text").fill("Realism")
    page.locator("#id_rows-0-fraction").select_option("100")
    page.locator("#id_rows-0-feedback").fill("Yes: self-help under anarchy.")
    page.locator("#id_rows-1-text").fill("Collective security")
    save_question(page, 1)

    add_question(page, "True/false")
    expect(page.locator("#id_rows-TOTAL_FORMS")).to_have_count(0)
    page.get_by_label("Question text").fill("The League of Nations had an army of its own.")
    page.get_by_label("False", exact=True).check()
    save_question(page, 2)

    add_question(page, "Essay")
    page.get_by_label("Question text").fill("Why is a regime not an organization?")
    page.get_by_label("Points").fill("4")
    save_question(page, 3)

    # A mistake is explained by field, and nothing is saved.
    add_question(page, "Single choice")
    page.locator("#id_rows-0-text").fill("Only one choice")
    page.get_by_role("button", name="Save question").click()
    expect(page.locator(".error-summary")).to_contain_text("Write at least 2 choices")
    expect(page.locator(".error-summary")).to_be_focused()
    page.get_by_role("link", name="Cancel").click()
    expect(page.locator("#question-editor")).to_be_hidden()
    expect(page.locator(".question-row")).to_have_count(3)
    htmx_settled(page)

    # Keyboard reordering: focus stays on the button, so Enter can be pressed again.
    move_down = page.get_by_role("button", name="Move down question 1")
    move_down.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#question-status")).to_have_text("Moved down: now question 2 of 3.")
    expect(page.get_by_role("button", name="Move down question 2")).to_be_focused()
    expect(page.locator(".question-row").first).to_contain_text("League of Nations")

    # Preview exactly as a student sees it, and check an answer without saving anything.
    page.get_by_role("link", name="Preview question 2").click()
    expect(page.get_by_role("heading", name="Question 2 of 3")).to_be_visible()
    page.get_by_label("Collective security").check()
    page.get_by_role("button", name="Check answer").click()
    expect(page.locator(".feedback")).to_contain_text("Incorrect")
    page.get_by_role("link", name="Back to the teaching area").click()

    # Import GIFT from a file: see it, then confirm.
    gift_file = tmp_path / "week3.gift"
    gift_file.write_text(GIFT, encoding="utf-8")
    page.get_by_role("link", name="Import GIFT").click()
    page.get_by_label("A GIFT file").set_input_files(gift_file)
    page.get_by_role("button", name="Check the questions").click()
    expect(page.get_by_text("2 questions will be added")).to_be_visible()
    page.get_by_role("button", name="Import 2 questions").click()
    expect(page.get_by_text("Imported 2 questions.")).to_be_visible()
    expect(page.locator(".question-row")).to_have_count(5)

    # A class, its code, and the quiz assigned to it.
    page.goto(f"{live_server.url}/teach/")
    page.get_by_role("link", name="New class").click()
    page.get_by_label("Class name").fill("Seminar B")
    page.get_by_role("button", name="Create class").click()
    code = page.locator(".code-display").inner_text()
    page.get_by_label("Quiz", exact=True).select_option(label="Week 3: regimes")
    page.get_by_label("Opens (UTC)").fill("2020-01-01T09:00")
    page.get_by_label("Due (UTC)").fill("2099-01-01T09:00")
    page.get_by_role("button", name="Assign", exact=True).click()
    expect(page.locator("#assignments [role=status]")).to_contain_text("Assigned “Week 3: regimes”")

    # The student joins with the code and takes the quiz.
    student_context = browser.new_context()
    request.addfinalizer(student_context.close)
    student = student_context.new_page()
    log_in(student, live_server, "alice")
    student.goto(f"{live_server.url}/classes/join/")
    student.get_by_label("Class code").fill(code.lower())
    student.get_by_role("button", name="Join").click()
    expect(student.get_by_role("heading", name="Seminar B")).to_be_visible()
    student.get_by_role("button", name="Join Seminar B").click()
    expect(student.get_by_text("You have joined Seminar B.")).to_be_visible()
    expect(student.locator(".assigned-table")).to_contain_text("To do")
    student.get_by_role("link", name="Week 3: regimes").click()
    student.get_by_role("button", name="Start the quiz").click()
    student.wait_for_load_state()
    student.get_by_label("False").check()
    expect(student.locator("#save-status")).to_contain_text("Saved")
    student.get_by_role("button", name="Next →").click()
    student.get_by_label("Realism").check()
    expect(student.locator("#save-status")).to_contain_text("Saved")
    student.get_by_role("button", name="Next →").click()
    student.get_by_label("Your answer").fill("A regime is a set of rules; an organization acts.")
    expect(student.locator("#save-status")).to_contain_text("Saved")
    student.get_by_role("button", name="Next →").click()
    student.get_by_label("all states").check()
    expect(student.locator("#save-status")).to_contain_text("Saved")
    student.get_by_role("button", name="Next →").click()
    student.get_by_label("Your answer").fill("1853")
    expect(student.locator("#save-status")).to_contain_text("Saved")
    student.get_by_role("button", name="Finish attempt →").click()
    student.get_by_role("button", name="Submit all and finish").click()
    expect(student.locator(".result-card")).to_contain_text("Provisional")

    # The instructor grades the essay; the student sees it.
    page.goto(f"{live_server.url}/teach/grading/")
    essay = page.locator(".essay-item").first
    expect(essay).to_contain_text("A regime is a set of rules")
    essay.get_by_label("Score").fill("3")
    essay.get_by_label("Comment").fill("Good; name the norms next time.")
    essay.get_by_role("button", name="Save grade").click()
    expect(page.locator(".essay-item [role=status]")).to_contain_text("Graded 3 / 4")
    student.reload()
    expect(student.locator(".grader-comment")).to_contain_text("name the norms")
    expect(student.locator(".result-score")).to_contain_text("88%")  # 7 of 8 points

    # Gradebook, statistics and the CSV.
    klass = Class.objects.get()
    page.goto(f"{live_server.url}/teach/classes/{klass.pk}/gradebook/")
    expect(page.locator(".gradebook")).to_contain_text("87.5%")
    page.locator(".gradebook thead").get_by_role("link", name=re.compile("Week 3: regimes")).click()
    expect(page.locator(".gradebook th[aria-sort]")).to_contain_text("Week 3: regimes")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    csv_text = download.value.path().read_text(encoding="utf-8-sig")
    assert "alice,,,7.0,87.5,7.0,8,87.5," in csv_text  # points, %, then the total

    page.goto(f"{live_server.url}/teach/")
    page.get_by_role("link", name="Statistics of Week 3: regimes").click()
    expect(page.locator(".stat-facts")).to_contain_text("87.5%")
    expect(page.get_by_role("img", name=re.compile("Score distribution"))).to_be_visible()
    expect(page.locator(".item-table")).to_contain_text("Realism")
    assert console_errors == []
