"""Argon2id hashes: verify the right password, refuse wrong ones and damaged hashes, never store the password."""

from fupin.accounts.passwords import hash_password, needs_rehash, verify_password


def test_hash_verifies_only_the_same_password() -> None:
    hashed = hash_password("Qiyuan2020ok")
    assert hashed.startswith("$argon2id$")
    assert "Qiyuan2020ok" not in hashed
    assert verify_password(hashed, "Qiyuan2020ok")
    assert not verify_password(hashed, "qiyuan2020ok")
    assert not verify_password(hashed, "")


def test_same_password_hashes_differently_each_time() -> None:
    assert hash_password("Qiyuan2020ok") != hash_password("Qiyuan2020ok")


def test_missing_or_damaged_hash_never_matches() -> None:
    assert not verify_password(None, "Qiyuan2020ok")
    assert not verify_password("not-a-hash", "Qiyuan2020ok")


def test_weak_parameters_ask_for_a_rehash() -> None:
    from argon2 import PasswordHasher

    weak = PasswordHasher(time_cost=1, memory_cost=64).hash("Qiyuan2020ok")
    assert needs_rehash(weak)
    assert not needs_rehash(hash_password("Qiyuan2020ok"))
