"""Codes of users, units, admin lists and the audit trail."""

from __future__ import annotations

from crm.domain.vocab import N_, Vocabulary


class Role(Vocabulary):
    STAFF = "staff", N_("招商专员")
    UNIT_HEAD = "unit_head", N_("单位负责人")
    LEADER = "leader", N_("分管领导")
    VIEWER = "viewer", N_("督查/统计")
    ADMIN = "admin", N_("系统管理员")


class UnitKind(Vocabulary):
    BUREAU = "bureau", N_("招商局")
    CHAIN_TEAM = "chain_team", N_("产业招商组")
    RESIDENT_TEAM = "resident_team", N_("驻外招商组")
    PARK = "park", N_("园区")
    TOWN = "town", N_("乡镇/街道")


class ListKind(Vocabulary):
    """Admin-editable lists."""

    NEGATIVE_LIST = "negative_list", N_("负面清单（五不招）")
    DROP_REASON = "drop_reason", N_("终止原因")


class AuditAction(Vocabulary):
    INSERT = "insert", N_("新建")
    UPDATE = "update", N_("修改")
    ARCHIVE = "archive", N_("归档")
    RESTORE = "restore", N_("恢复")


class AuditSource(Vocabulary):
    WEB = "web", N_("网页")
    API = "api", N_("接口")
    CLI = "cli", N_("命令行")
    SYSTEM = "system", N_("系统")
