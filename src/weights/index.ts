export { canDequantize, DEQUANTIZABLE_TYPES, dequantize, dequantizeInto, halfToFloat } from './dequant.ts';
export { InputError, WeightsError } from './errors.ts';
export { GGML_TYPES, GGMLType, type GGMLTypeInfo, ggmlTypeName } from './ggml-types.ts';
export { type GGUFFile, type GGUFTensorInfo, type GGUFValue, GGUFValueType, openGGUF } from './gguf.ts';
export {
  openSafetensors,
  SAFETENSORS_DTYPE_SIZES,
  type SafetensorsDtype,
  type SafetensorsFile,
  type SafetensorsTensorInfo,
} from './safetensors.ts';
export { checkTensorShape } from './shape.ts';
export { BlobSource, type ByteSource, BytesSource, checkRange, freeBytes, HttpRangeSource } from './source.ts';
