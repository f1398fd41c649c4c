package httpupload_test

import (
	"fmt"

	"github.com/protoxmpp/protoxmpp/stanza"
	"github.com/protoxmpp/protoxmpp/stanza/httpupload"
	"github.com/protoxmpp/protoxmpp/stanza/xmpp"
)

// Asking for an upload slot (XEP-0363) and reading the answer.
func Example_slot() {
	size := uint64(23456)
	req := &httpupload.Request{Filename: "très cool.jpg", Size: &size, ContentType: "image/jpeg"}
	out, _ := stanza.Marshal(req)
	fmt.Println(string(out))

	var iq xmpp.IQ
	err := stanza.UnmarshalString(`<iq xmlns='jabber:client' from='upload.montague.tld' id='step_03' to='romeo@montague.tld/garden' type='result'>
  <slot xmlns='urn:xmpp:http:upload:0'>
    <put url='https://upload.montague.tld/4a771ac1-f0b2-4a4a-9700-f2a26fa2bb67/tr%C3%A8s%20cool.jpg'>
      <header name='Authorization'>Basic Base64String==</header>
    </put>
    <get url='https://download.montague.tld/4a771ac1-f0b2-4a4a-9700-f2a26fa2bb67/tr%C3%A8s%20cool.jpg' />
  </slot>
</iq>`, &iq)
	if err != nil {
		fmt.Println(err)
		return
	}
	slot := iq.Any[0].(*httpupload.Slot)
	fmt.Println(slot.Put.URL)
	fmt.Println(slot.Put.Header[0].Name, slot.Get.URL)
	// Output:
	// <request xmlns='urn:xmpp:http:upload:0' filename='très cool.jpg' size='23456' content-type='image/jpeg'/>
	// https://upload.montague.tld/4a771ac1-f0b2-4a4a-9700-f2a26fa2bb67/tr%C3%A8s%20cool.jpg
	// Authorization https://download.montague.tld/4a771ac1-f0b2-4a4a-9700-f2a26fa2bb67/tr%C3%A8s%20cool.jpg
}
