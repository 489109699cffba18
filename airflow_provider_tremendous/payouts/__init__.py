"""Bulk payouts: read rows, validate all of them first, pay each key once, record every outcome.

The machinery is vendor-neutral: :mod:`.adapter` describes what a vendor must provide (pay one row, find an order
by its key, read the balance); the Tremendous adapter is :class:`.tremendous.TremendousPayoutAdapter`.
"""
