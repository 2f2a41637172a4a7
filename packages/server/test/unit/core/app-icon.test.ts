import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { iconContentType } from '../../../src/core/app-icon.js';

describe('app icons', () => {
  it('given image files, when typed, then each gets its image content type, whatever the case', () => {
    assert.equal(iconContentType('/opt/app/icon.svg'), 'image/svg+xml');
    assert.equal(iconContentType('/opt/app/ICON.PNG'), 'image/png');
    assert.equal(iconContentType('/x/a.jpeg'), 'image/jpeg');
    assert.equal(iconContentType('/x/a.jpg'), 'image/jpeg');
    assert.equal(iconContentType('/x/a.gif'), 'image/gif');
    assert.equal(iconContentType('/x/a.webp'), 'image/webp');
    assert.equal(iconContentType('/x/favicon.ico'), 'image/x-icon');
  });

  it('given anything but an image, when typed, then it is no icon', () => {
    assert.equal(iconContentType('/etc/passwd'), undefined);
    assert.equal(iconContentType('/opt/app/index.html'), undefined);
    assert.equal(iconContentType('/opt/app/.svg'), undefined);
    assert.equal(iconContentType('/opt/app.svg/icon'), undefined);
    assert.equal(iconContentType('/opt/app/icon.svg.js'), undefined);
  });
});
