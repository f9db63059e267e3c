import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FormController } from '../../src/controllers/form-controller.js';
import { FakeHost } from '../helpers/fake-host.js';

/** A host element with ElementInternals that records the values the form is given. */
function setup() {
  const host = new FakeHost() as FakeHost & HTMLElement;
  const values: (string | null)[] = [];
  host.attachInternals = () => ({ setFormValue: (value: string | null) => values.push(value) }) as unknown as ElementInternals;
  const state = { pixels: '1000', mask: '0001' };
  const form = new FormController<[string, string]>(host, {
    defaults: () => [state.pixels, state.mask],
    reset: ([pixels, mask]) => Object.assign(state, { pixels, mask }),
  });
  return { host, form, values, state };
}

describe('FormController', () => {
  it('hands the form each new value once', () => {
    const { form, values } = setup();
    form.setValue(null);
    form.setValue('1111');
    form.setValue('1111');
    form.setValue(null);
    assert.deepEqual(values, [null, '1111', null]);
  });

  it('resets to the values of the first update', () => {
    const { host, form, state } = setup();
    form.reset();
    assert.deepEqual(state, { pixels: '1000', mask: '0001' }, 'nothing to reset to before the first update');
    host.update();
    state.pixels = '0110';
    state.mask = '';
    host.update();
    form.reset();
    assert.deepEqual(state, { pixels: '1000', mask: '0001' });
  });

  it('follows a disabled fieldset and asks the host to update', () => {
    const { host, form } = setup();
    form.setDisabled(true);
    assert.equal(form.disabled, true);
    assert.equal(host.updates, 1);
    form.setDisabled(false);
    assert.equal(form.disabled, false);
  });
});
