import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ConnectionCounter } from './connection-counter.js';

describe('ConnectionCounter', () => {
  it('admits up to the limit per IP and frees a place when a connection closes', () => {
    const counter = new ConnectionCounter(2);
    const conns = [new EventEmitter(), new EventEmitter(), new EventEmitter()];
    expect(counter.admit('1.2.3.4', conns[0]!)).toBe(true);
    expect(counter.admit('1.2.3.4', conns[1]!)).toBe(true);
    expect(counter.admit('1.2.3.4', conns[2]!)).toBe(false);
    expect(counter.admit('5.6.7.8', conns[2]!)).toBe(true);
    conns[0]!.emit('close');
    expect(counter.count('1.2.3.4')).toBe(1);
    expect(counter.admit('1.2.3.4', new EventEmitter())).toBe(true);
    conns[1]!.emit('close');
    conns[1]!.emit('close'); // once only
    expect(counter.count('1.2.3.4')).toBe(1);
  });
});
