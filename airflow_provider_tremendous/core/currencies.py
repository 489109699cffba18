"""Currencies the Tremendous API accepts for reward values, shared by validation and the sandbox."""

from __future__ import annotations

#: ISO-4217 codes the API accepts for reward values (the current enum; BGN, EEK, LTL, LVL, ZMK removed).
CURRENCY_CODES = frozenset(
    """USD CAD EUR AED AFN ALL AMD ARS AUD AZN BAM BDT BHD BIF BND BOB BRL BWP BYN BZD CDF CHF CLP CNY COP CRC CVE
    CZK DJF DKK DOP DZD EGP ERN ETB GBP GEL GHS GNF GTQ HKD HNL HRK HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KHR
    KRW KWD KZT LBP LKR LTL MAD MDL MGA MKD MMK MOP MUR MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PHP PKR PLN
    PYG QAR RON RSD RUB RWF SAR SDG SEK SGD SOS SYP THB TND TOP TRY TTD TWD TZS UAH UGX UYU UZS VEF VND XAF XOF YER
    ZAR""".split()  # noqa: SIM905 - a readable block of codes
) - {"LTL"}
