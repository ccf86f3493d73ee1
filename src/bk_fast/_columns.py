"""Canonical ERP column names and the aliases the ERP's exports and services use for them.

One table for the whole package: the pandas layer resolves a caller's column through it, the synthetic mill
writes the canonical spelling, and the export reader (``bk_fast.io``) normalises headers to it.
"""

from __future__ import annotations

#: canonical name -> accepted spellings (the canonical one first). Matching is exact first, then on a
#: normalised form (case-folded, spaces/underscores/punctuation removed), so ``Planning_Balance``,
#: ``planning balance`` and ``PLANNING BALANCE`` all resolve to ``Planning Balance``.
ALIASES: dict[str, tuple[str, ...]] = {
    # yarn inventory
    "Desc#": ("Desc#", "Desc #", "desc_num", "yarn_id", "Yarn ID", "YarnID", "Yarn", "Material_ID"),
    "Description": ("Description", "description", "Yarn Description", "desc"),
    "Supplier": ("Supplier", "supplier", "Vendor"),
    "Beginning Balance": ("Beginning Balance", "beginning_balance", "Beginning_Balance", "Begin Balance",
                          "Inventory", "On Hand", "on_hand"),
    "Received": ("Received", "received", "Receipts"),
    "Consumed": ("Consumed", "consumed", "Consumption"),
    "Adjustments": ("Adjustments", "adjustments", "Adjustment"),
    "Theoretical Balance": ("Theoretical Balance", "Theoretical_Balance", "theoretical_balance",
                            "Theoretical Bal"),
    "Allocated": ("Allocated", "allocated", "Allocated (lbs)"),
    "On Order": ("On Order", "On_Order", "on_order", "OnOrder", "On Order (lbs)"),
    "Planning Balance": ("Planning Balance", "Planning_Balance", "planning_balance", "Planning Bal",
                         "Planning_Ballance"),
    "Cost/Pound": ("Cost/Pound", "Cost_Pound", "cost_per_pound", "Cost Per Pound", "Unit Cost", "cost/lb"),
    "Total Cost": ("Total Cost", "Total_Cost", "total_cost", "Total Cast"),
    # BOM
    "Style#": ("Style#", "Style #", "style_id", "Style", "Style_ID", "gStyle", "Greige Style"),
    "BOM_Percentage": ("BOM_Percentage", "BOM_Percent", "Percentage", "bom_percentage", "BOM %", "Percent"),
    "unit": ("unit", "Unit", "UOM"),
    # knit orders
    "Order #": ("Order #", "Order#", "KO #", "KO#", "order_id", "Order ID", "Knit Order"),
    "Qty Ordered (lbs)": ("Qty Ordered (lbs)", "Qty Ordered", "Ordered (lbs)", "qty_ordered", "Ordered"),
    "G00 (lbs)": ("G00 (lbs)", "G00", "g00_lbs"),
    "Shipped (lbs)": ("Shipped (lbs)", "Shipped", "shipped_lbs"),
    "Balance (lbs)": ("Balance (lbs)", "Balance", "balance_lbs", "Remaining (lbs)"),
    "Machine": ("Machine", "machine", "MACH", "Machine #", "machine_id"),
    "Start Date": ("Start Date", "start_date", "Start"),
    "Quoted Date": ("Quoted Date", "quoted_date", "Quote Date", "Due Date"),
    # style master, work centers, machines, capacity
    "fStyle#": ("fStyle#", "fStyle", "fstyle", "Finished Style"),
    "gBase": ("gBase", "gbase", "Greige Base"),
    "WC": ("WC", "Work Center", "work_center", "work_center_id"),
    "lbs/day": ("lbs/day", "Lbs/Day", "lbs_per_day", "Capacity", "capacity"),
    # yarn POs
    "PO #": ("PO #", "PO#", "po_number", "PO Number"),
    "PO Bal": ("PO Bal", "PO Balance", "po_balance"),
    # added for the export reader (bk_fast.io): sales orders, receipt buckets, the weekly yarn-demand report
    "SO #": ("SO #", "SO#", "so_number", "SO Number", "Sales Order"),
    "Customer": ("Customer", "customer", "Customer Name"),
    "Ship Date": ("Ship Date", "ship_date", "Ship By"),
    "Unscheduled or Past Due": ("Unscheduled or Past Due", "Past Due", "past_due", "Unscheduled"),
    "This Week": ("This Week", "this_week"),
    "Later": ("Later", "later"),
    "Monday Inventory": ("Monday Inventory", "monday_inventory", "Inventory Monday"),
    "Total Demand": ("Total Demand", "total_demand"),
    "Total Receipt": ("Total Receipt", "Total Receipts", "total_receipt"),
    "Total Balance": ("Total Balance", "total_balance"),
}


def normalise(name: str) -> str:
    """Fold a header for loose matching: case-folded, surrounding spaces and a UTF-8 BOM mark removed,
    and every character that is not alphanumeric (``str.isalnum``: letters and digits of any script, also
    numerals such as ``½``), ``#``, ``%`` or ``/`` dropped.

    Examples
    --------
    >>> normalise(" Planning_Balance")
    'planningbalance'
    >>> normalise("Desc #")
    'desc#'
    """
    text = str(name).replace("\ufeff", "").strip().casefold()
    return "".join(ch for ch in text if ch.isalnum() or ch in "#%/")


_LOOKUP: dict[str, str] = {}
for _canon, _names in ALIASES.items():
    for _n in _names:
        _LOOKUP.setdefault(normalise(_n), _canon)


def canonical(name: str) -> str | None:
    """Canonical spelling of an ERP column name, or None when the name is not an alias of any.

    Examples
    --------
    >>> canonical("planning_balance")
    'Planning Balance'
    >>> canonical("On_Order")
    'On Order'
    >>> canonical("Colour") is None
    True
    """
    if name in ALIASES:
        return name
    return _LOOKUP.get(normalise(name))
