package io.gearlog.engine.keyspace;

/** A stream entry copied out of its stream: the id and the field/value strings, alternating. Immutable by convention. */
public record StreamEntry(StreamId id, byte[][] fieldsValues) {
}
