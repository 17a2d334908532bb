package io.hypernet.spark;

import java.io.Serializable;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.DataType;

/**
 * The pass-through row layout (the ML Transformer's): the core reads {@code (unused, config_id,
 * w, reason, reason_detail, every input column ...)} and emits every input column, then W, then
 * under {@link OnBadRow#KEEP} the reason and its detail (null, null for a good row).
 */
final class PassThrough implements Serializable {
  private static final long serialVersionUID = 1L;
  static final int DETAIL_ORDINAL = 4;
  private static final int FIRST_INPUT_ORDINAL = 5;

  private final DataType[] inputTypes;
  private final OnBadRow onBadRow;

  PassThrough(DataType[] inputTypes, OnBadRow onBadRow) {
    this.inputTypes = inputTypes.clone();
    this.onBadRow = onBadRow;
  }

  OnBadRow onBadRow() {
    return onBadRow;
  }

  InternalRow reconciled(InternalRow row, ArrayData w) {
    return output(row, w, null);
  }

  InternalRow rejected(InternalRow row) {
    return output(row, null, row);
  }

  private InternalRow output(InternalRow row, ArrayData w, InternalRow reasons) {
    int width = inputTypes.length + (onBadRow == OnBadRow.KEEP ? 3 : 1);
    Object[] values = new Object[width];
    for (int i = 0; i < inputTypes.length; i++) {
      values[i] = row.get(FIRST_INPUT_ORDINAL + i, inputTypes[i]);
    }
    values[inputTypes.length] = w;
    if (reasons != null) {
      values[inputTypes.length + 1] = reasons.getUTF8String(PartitionReconciler.REASON_ORDINAL);
      values[inputTypes.length + 2] = reasons.getUTF8String(DETAIL_ORDINAL);
    }
    return new GenericInternalRow(values);
  }
}
