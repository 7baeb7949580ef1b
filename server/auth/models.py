"""API tokens: only a hash of each is stored; the token itself is shown once."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from server.auth.viewer import Role


class ApiToken(Model):
    """A credential for scripts and editors, with the role it grants."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100, unique=True)
    role = fields.CharEnumField(Role, max_length=16)
    token_hash = fields.CharField(max_length=64, unique=True)
    prefix = fields.CharField(max_length=16)
    created_by = fields.CharField(max_length=100, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    last_used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_token"

    def __str__(self) -> str:
        return f"{self.name} ({self.role.value})"
