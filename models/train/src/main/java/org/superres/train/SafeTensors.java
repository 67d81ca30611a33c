package org.superres.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a safetensors file of float32 tensors (an 8-byte little-endian header length, a JSON header
 * naming each tensor's dtype, shape and byte range, then the raw data) and its {@code __metadata__}
 * strings.
 */
public final class SafeTensors {

  /** One tensor: its shape and its values in row-major order. */
  public static final class Tensor {
    public final int[] shape;
    public final float[] values;

    public Tensor(int[] shape, float[] values) {
      long n = 1;
      for (int d : shape) {
        n *= d;
      }
      if (n != values.length) {
        throw new IllegalArgumentException("shape holds " + n + " values, got " + values.length);
      }
      this.shape = shape.clone();
      this.values = values;
    }
  }

  public final Map<String, String> metadata;
  public final Map<String, Tensor> tensors;

  public SafeTensors(Map<String, String> metadata, Map<String, Tensor> tensors) {
    this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
  }

  public static SafeTensors read(Path file) throws IOException {
    byte[] raw = Files.readAllBytes(file);
    ByteBuffer buf = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
    long headerLen = raw.length >= 8 ? buf.getLong(0) : -1;
    if (headerLen < 2 || headerLen > raw.length - 8) {
      throw new IOException(file + ": not a safetensors file (header length " + headerLen + ")");
    }
    JsonNode header =
        new ObjectMapper()
            .readTree(new String(raw, 8, (int) headerLen, java.nio.charset.StandardCharsets.UTF_8));
    int dataStart = 8 + (int) headerLen;
    Map<String, String> meta = new LinkedHashMap<>();
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().equals("__metadata__")) {
        e.getValue().fields().forEachRemaining(m -> meta.put(m.getKey(), m.getValue().asText()));
        continue;
      }
      JsonNode spec = e.getValue();
      if (!"F32".equals(spec.path("dtype").asText())) {
        throw new IOException(
            file
                + ": tensor "
                + e.getKey()
                + " is "
                + spec.path("dtype").asText()
                + ", only F32 is read");
      }
      int[] shape = new int[spec.path("shape").size()];
      for (int i = 0; i < shape.length; i++) {
        shape[i] = spec.path("shape").get(i).asInt();
      }
      long begin = spec.path("data_offsets").get(0).asLong();
      long end = spec.path("data_offsets").get(1).asLong();
      if (begin < 0 || end < begin || dataStart + end > raw.length || (end - begin) % 4 != 0) {
        throw new IOException(
            file + ": tensor " + e.getKey() + " has bad offsets " + begin + ".." + end);
      }
      float[] values = new float[(int) ((end - begin) / 4)];
      buf.position(dataStart + (int) begin);
      buf.asFloatBuffer().get(values);
      tensors.put(e.getKey(), new Tensor(shape, values));
    }
    return new SafeTensors(meta, tensors);
  }

  public Tensor tensor(String name) {
    Tensor t = tensors.get(name);
    if (t == null) {
      throw new IllegalArgumentException("no tensor " + name + " (has " + tensors.keySet() + ")");
    }
    return t;
  }

  public String meta(String key) {
    String v = metadata.get(key);
    if (v == null) {
      throw new IllegalArgumentException("no metadata " + key + " (has " + metadata.keySet() + ")");
    }
    return v;
  }
}
