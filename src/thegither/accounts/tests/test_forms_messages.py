from thegither.accounts.forms import JoinForm


def test_empty_join_form_says_what_to_do_for_each_field():
    form = JoinForm(data={})

    assert not form.is_valid()
    assert form.errors == {
        "code": ["Enter the code your youth worker gave you."],
        "username": ["Choose a username."],
        "display_name": ["Enter the name you want people to see."],
        "age_band": ["Choose how old you are."],
        "password": ["Choose a password."],
        "password_again": ["Type your password again, so we know it's right."],
    }


def test_join_form_explains_a_badly_written_email():
    form = JoinForm(data={"email": "not-an-email"})

    assert not form.is_valid()
    assert form.errors["email"] == ["Write the email address like name@example.org."]
