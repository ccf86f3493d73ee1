"""Drop-in ``MemoryOptimizer.optimize_dataframe``: the ERP's lossy memory optimizer, reproduced exactly.

Not to be confused with :func:`bk_fast.optimize_memory` (lossless). This one keeps the original's behaviour:
strict integer bounds, float16 when ``aggressive``, categories for low-cardinality text, duplicate rows
dropped, mostly-zero/NaN numeric columns made sparse.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bk_fast.compat._frames import is_text, text_columns
from bk_fast.compat.stats import tracked

__all__ = ["MemoryOptimizer"]

_INTS = tuple(np.iinfo(t) for t in (np.int8, np.int16, np.int32, np.int64))
_INT_TYPES = (np.int8, np.int16, np.int32, np.int64)


class MemoryOptimizer:
    """Drop-in for the ERP's Phase-3 ``MemoryOptimizer`` (its DataFrame method).

    Examples
    --------
    >>> import pandas as pd
    >>> from bk_fast.compat import MemoryOptimizer
    >>> df = pd.DataFrame({"qty": [1, 2, 2, 2, 127], "code": ["a", "b", "b", "b", "b"]})
    >>> out = MemoryOptimizer.optimize_dataframe(df)
    >>> out.dtypes.astype(str).to_dict()    # 127 is not strictly inside int8: int16
    {'qty': 'int16', 'code': 'category'}
    >>> len(out)                            # the duplicate row is gone
    3
    """

    @staticmethod
    @tracked("optimize_dataframe")
    def optimize_dataframe(df: pd.DataFrame, deep: bool = True, aggressive: bool = False) -> pd.DataFrame:
        """The original's lossy optimisation, step by step.

        1. Columns whose dtype name starts with ``int``: the first of int8/16/32/64 whose bounds strictly
           contain min and max; ``float*``: float32 (float16 first when ``aggressive``) when strictly inside
           its finite range. Done **in place on the caller's frame**, like the original.
        2. Text columns (``object``; ``str`` treated alike) -> category when unique values (NaN counts) / rows
           < 0.5, in place.
        3. A new frame without duplicate rows; its numeric columns with > 70 % zeros or > 70 % NaN become
           ``SparseArray(fill_value=0)``.

        Empty frames are returned unchanged. An unordered categorical column raises TypeError, as the
        original does (it asks every non-object column for its min).
        """
        if df.empty:
            return df
        for name in list(df.columns):
            col = df[name]
            dtype = col.dtype
            if is_text(dtype):
                continue
            lo, hi = col.min(), col.max()
            label = str(dtype)
            if label[:3] == "int":
                for target, info in zip(_INT_TYPES, _INTS):
                    if lo > info.min and hi < info.max:
                        df[name] = col.astype(target)
                        break
            elif label[:5] == "float":
                targets = (np.float16, np.float32) if aggressive else (np.float32,)
                for target in targets:
                    info = np.finfo(target)
                    if lo > info.min and hi < info.max:
                        df[name] = col.astype(target)
                        break
        for name in text_columns(df):
            col = df[name]
            if len(col.unique()) / len(col) < 0.5:
                df[name] = col.astype("category")
        df = df.drop_duplicates()
        n = len(df)
        for name in df.select_dtypes(include=[np.number]).columns:
            col = df[name]
            if (col == 0).sum() / n > 0.7 or col.isna().sum() / n > 0.7:
                df[name] = pd.arrays.SparseArray(col, fill_value=0)
        return df
